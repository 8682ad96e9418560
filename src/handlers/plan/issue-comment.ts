/**
 * A trusted author's comment on an issue (issue 18 item 3). packit-service takes two `/packit`
 * commands there: `propose-downstream`, which it runs for the repository's latest release (its
 * tag's commit is where the config is read and the statuses go), and `help`. forgeflow does the
 * same; another Packit command on an issue gets a reply saying where it works (when the
 * repository's config is a .packit.yaml: event-trigger.ts, comment-commands.ts), and anything
 * else (a pipeline.yaml's `on.comment`, someone else's slash command) nothing: pipelines'
 * comment triggers are about pull requests and commits.
 */
import { parsePackitComment } from '../../compiler/packit/commands.js';
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';
import { atDefaultHead } from './config-lookup.js';
import type { DeliveryResult } from './outcome.js';

/**
 * The event to plan for an issue comment (with the commit its config is read at), or what the
 * delivery ends as when there is nothing to plan.
 */
export async function issueCommentEvent(
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  options: { signal: AbortSignal },
): Promise<{ event: Event } | DeliveryResult> {
  const parsed = parsePackitComment(event.comment?.body ?? '');
  if (parsed === undefined)
    return {
      outcome: 'not_triggered',
      reason: 'a comment on an issue starts only /packit propose-downstream or /packit help',
    };
  // Everything but propose-downstream is answered by the config on the default branch: help,
  // a syntax error, and a command that works elsewhere (event-trigger.ts says where).
  if (!parsed.ok || parsed.command.name !== 'propose-downstream')
    return atDefault(forge, repo, event, options);
  const latest = await forge.latestRelease(repo, options);
  const sha = latest === null ? null : await forge.tagCommit(repo, latest.tag, options);
  if (latest === null || sha === null) {
    const why = latest
      ? `the latest release's tag ${latest.tag} is gone`
      : 'the repository has no release to propose downstream';
    return { outcome: 'command', reason: why, ack: { kind: 'rejected', why, commands: 'packit' } };
  }
  return {
    event: {
      ...event,
      sha,
      ref: `refs/tags/${latest.tag}`,
      tag: latest.tag,
      release: {
        tag: latest.tag,
        name: latest.name,
        draft: false,
        prerelease: false,
        url: latest.url,
      },
    },
  };
}

async function atDefault(
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  options: { signal: AbortSignal },
): Promise<{ event: Event } | DeliveryResult> {
  const at = await atDefaultHead(event, forge, repo, options);
  return at === null
    ? { outcome: 'no_config', reason: 'the default branch has no head commit' }
    : { event: at };
}
