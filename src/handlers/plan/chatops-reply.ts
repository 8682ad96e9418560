/**
 * The replies forgeflow posts on a comment's command (chatops-ack.ts). They are forgeflow's own
 * words; whatever came from the comment or the forge (the command, a login, a parse error) is
 * shown only inside an inline code span made inert by `inert`, where neither GitHub nor GitLab
 * reads Markdown, HTML, mentions, references or quick actions. No line of a reply starts with
 * "/": GitLab would run it as a quick action, and forgeflow would plan its own reply.
 */
import {
  PACKIT_COMMANDS,
  PACKIT_PREFIX,
  PACKIT_RETRIGGERING_DOCS,
} from '../../compiler/packit/commands.js';
import { packitHelpText } from '../../compiler/packit/help.js';
import type { Forge } from '../../events/event.js';
import { FORGES } from '../../events/forges.js';
import { forgeAdapter } from '../../forges/adapters.js';
import type { CommentAck } from './outcome.js';

/** Characters of the quoted command, and of a reason, shown at most. */
const QUOTE_MAX = 80;
const WHY_MAX = 300;

/**
 * Text from a comment or the forge as an inline code span: one line, bounded, with no backtick
 * to close the span early, no control or format characters (bidi overrides, zero-width ones),
 * and every `@` followed by a zero-width space, so that no mention pings anyone even where the
 * text is read outside Markdown (notification e-mails, chat mirrors).
 */
export function inert(text: string, max: number): string {
  const line = text
    .replace(/\s+/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, '')
    .trim();
  const chars = Array.from(line);
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
  const safe = cut.replaceAll('`', "'").replaceAll('@', '@\u200b');
  return `\`${safe === '' ? ' ' : safe}\``;
}

/** The command line of a comment: its first line starting with "/" (where intake found one). */
export function commandLine(body: string): string {
  return (
    body
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.startsWith('/')) ?? body
  );
}

const FORGEFLOW_COMMANDS = [
  `${inert('/forgeflow retry', QUOTE_MAX)} re-runs what failed in the latest run of this pull request`,
  `${inert('/forgeflow cancel', QUOTE_MAX)} cancels it`,
  `${inert('/forgeflow signal NAME [JSON]', QUOTE_MAX)} sends it a signal (for a job waiting with \`wait_for\`)`,
].join('; ');

/**
 * The reply to a refused or rejected command, to `/packit help`, or packit-service's
 * acceptance of a dist-git command (another `done` one gets a reaction only).
 */
export function replyText(
  forge: Forge,
  body: string,
  ack: CommentAck,
  windowHours: number,
): string {
  if (ack.kind === 'help') return packitHelpText(PACKIT_PREFIX);
  if (ack.kind === 'done')
    return `The task was accepted. You can follow it in [its run](${ack.accepted?.runUrl ?? ''}).`;
  const command = inert(commandLine(body), QUOTE_MAX);
  const why = inert(ack.why, WHY_MAX);
  if (ack.kind === 'refused')
    return [
      `forgeflow did not run ${command}: ${why}.`,
      '',
      `On ${FORGES[forge].title}, forgeflow takes commands from ${forgeAdapter(forge).trustRule}, ` +
        "and from the people on its operator's allow-list or in `trust.users` of the pipeline.yaml " +
        'on the default branch. Ask one of them to give the command, or to grant you that access.',
      '',
      `(forgeflow answers a refused command once per person and pull request in ${windowHours} hours; ` +
        'later ones get a 😕 reaction only.)',
    ].join('\n');
  const known =
    ack.commands === 'forgeflow'
      ? `The commands are: ${FORGEFLOW_COMMANDS}.`
      : `The Packit commands forgeflow knows (after ${inert('/packit', QUOTE_MAX)}): ` +
        `${PACKIT_COMMANDS.map((name) => inert(name, QUOTE_MAX)).join(', ')}.`;
  // Packit's own sentence first, as packit-service answers a command it cannot parse.
  const packitSays = ack.syntax
    ? [
        'There appears to be a syntax error in the command provided. Please refer to the ' +
          `[Packit documentation](${PACKIT_RETRIGGERING_DOCS}) or use the ` +
          `${inert(`${PACKIT_PREFIX} help`, QUOTE_MAX)} command.`,
        '',
      ]
    : [];
  return [...packitSays, `forgeflow did not act on ${command}: ${why}.`, '', known].join('\n');
}
