/**
 * Whose a comment's slash command is, for answering it (chatops-ack.ts): forgeflow's own
 * (`/forgeflow …`), a `/packit …` command where the repository's config is a .packit.yaml, or
 * an `on.comment.commands` entry its pipeline.yaml would run. Anything else (a GitLab quick
 * action like `/assign`, another bot's command) is someone else's: forgeflow stays silent.
 */
import { compilePipeline, isPackitFile } from '../../compiler/index.js';
import { parsePackitComment } from '../../compiler/packit/commands.js';
import type { HandlerRegistry } from '../../contracts/handler-spec.js';
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';
import { baseHead, findConfig } from './config-lookup.js';
import type { CommentAck, DeliveryResult } from './outcome.js';
import type { TrustVerdict } from './trust.js';

/**
 * An untrusted author's comment that is no `/forgeflow` command: refused out loud only when the
 * repository's config, as its base branch has it (never the pull request's), knows the command.
 */
export async function untrustedComment(
  deps: { handlers: HandlerRegistry; configFiles: readonly string[] },
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  verdict: TrustVerdict,
  options: { signal: AbortSignal },
): Promise<DeliveryResult> {
  const refused: DeliveryResult = { outcome: 'untrusted', reason: verdict.why };
  const ref = await baseHead(forge, repo, event, options);
  const found =
    ref === null ? undefined : await findConfig(forge, repo, ref, deps.configFiles, options);
  if (!found) return refused;
  const body = event.comment?.body ?? '';
  if (isPackitFile(found.path)) {
    const parsed = parsePackitComment(body);
    if (parsed === undefined) return refused;
    // Help runs nothing: anyone may ask, a flood is answered once a day.
    if (parsed.ok && parsed.command.name === 'help')
      return { outcome: 'command', reason: HELP_REASON, ack: { kind: 'help', limited: true } };
    return { ...refused, ack: { kind: 'refused', why: verdict.why } };
  }
  const known =
    compilePipeline(found.text, event, { file: found.path, handlers: deps.handlers }).status ===
    'graph';
  return known ? { ...refused, ack: { kind: 'refused', why: verdict.why } } : refused;
}

const HELP_REASON = '/packit help: answered with the commands';

/**
 * A trusted author's `/packit` command that a .packit.yaml did not run: unknown, malformed,
 * `/packit help`, or naming jobs the config does not have. Null for any other comment.
 */
export function packitRejection(
  path: string,
  event: Event,
  reason: string,
): { reason: string; ack: CommentAck } | null {
  if (event.kind !== 'comment' || !isPackitFile(path)) return null;
  const parsed = parsePackitComment(event.comment?.body ?? '');
  if (parsed === undefined) return null;
  if (parsed.ok && parsed.command.name === 'help')
    return { reason: HELP_REASON, ack: { kind: 'help', limited: false } };
  if (parsed.ok) return { reason, ack: { kind: 'rejected', why: reason, commands: 'packit' } };
  // A syntax error's first line is Packit's general advice; the last one says what is wrong.
  const why = parsed.error.split('\n').at(-1) ?? parsed.error;
  return { reason, ack: { kind: 'rejected', why, commands: 'packit', syntax: true } };
}
