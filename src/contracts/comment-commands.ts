/**
 * Every command a comment can give is a slash command on a line of its own: forgeflow's
 * `/forgeflow …` and Packit's `/packit …` by their prefixes, and a pipeline's
 * `on.comment.commands` because the schema accepts only entries matching
 * COMMENT_COMMAND_PATTERN. So the intake can tell, without fetching any config, that a comment
 * with no such line ("LGTM") starts nothing, and spare it a plan run and its forge API calls.
 */

/** An `on.comment.commands` entry: a `/` and a word right after it (`/ci retest`). */
export const COMMENT_COMMAND_PATTERN = '^/\\S';

const COMMAND_LINE = /^\/\S/;

/** Whether some line of the comment, leading and trailing blanks aside, starts like a command. */
export function mayHoldCommand(body: string): boolean {
  return body.split('\n').some((line) => COMMAND_LINE.test(line.trim()));
}

/** The deliveries table's reason for a comment that cannot start anything. */
export const NO_COMMAND_REASON = 'the comment holds no command (no line starts with "/")';
