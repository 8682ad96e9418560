/**
 * What a comment decides before any config is compiled: a `/forgeflow` command is carried out
 * on the pull request's latest run (chatops-run.ts); an edited or deleted comment gives no
 * command again (`/forgeflow`, `/packit`: both read new comments only; a pipeline's
 * `on.comment.types` may still ask for edits); an untrusted author's command is refused
 * (comment-commands.ts); a comment on an issue is planned at the latest release or the default
 * branch (issue-comment.ts). Anything else goes on to the config, with the event to plan.
 */
import { parsePackitComment } from '../../compiler/packit/commands.js';
import type { HandlerRegistry } from '../../contracts/handler-spec.js';
import type { RunControl } from '../../contracts/run-control.js';
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';
import { runChatOps } from './chatops-run.js';
import { parseCommand } from './chatops.js';
import { untrustedComment } from './comment-commands.js';
import { issueCommentEvent } from './issue-comment.js';
import type { DeliveryResult } from './outcome.js';
import type { TrustVerdict } from './trust.js';

export async function planComment(
  deps: { handlers: HandlerRegistry; configFiles: readonly string[] },
  runs: RunControl,
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  verdict: TrustVerdict | null,
  options: { signal: AbortSignal },
): Promise<DeliveryResult | { event: Event }> {
  const body = event.comment?.body ?? '';
  const command = parseCommand(body);
  const changed = event.action !== 'created';
  if ((command !== undefined || parsePackitComment(body) !== undefined) && changed)
    return {
      outcome: 'ignored',
      reason: `the comment was ${event.action ?? 'changed'}: commands are read from new comments only`,
    };
  if (command !== undefined) {
    if (verdict && !verdict.trusted)
      return {
        outcome: 'untrusted',
        reason: verdict.why,
        ack: { kind: 'refused', why: verdict.why },
      };
    if (!command.ok)
      return {
        outcome: 'command',
        reason: command.error,
        ack: { kind: 'rejected', why: command.error, commands: 'forgeflow' },
      };
    return runChatOps(runs, event, command.command);
  }
  // Other comments may match `on.comment.commands`: only a trusted author's start anything.
  if (verdict && !verdict.trusted)
    return untrustedComment(deps, forge, repo, event, verdict, options);
  // An issue has no commit: its command is planned at the latest release or the default branch.
  if (event.issue && !event.pr) return issueCommentEvent(forge, repo, event, options);
  return { event };
}
