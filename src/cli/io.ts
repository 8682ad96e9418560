/** Small terminal helpers: colour only on a TTY without NO_COLOR, and a writer the tests can capture. */
import { styleText } from 'node:util';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  /** The terminal's width, when output goes to one. */
  columns?: number | undefined;
  readFile: (path: string) => string;
}

type Style = Parameters<typeof styleText>[0];

export function paint(io: Io, style: Style, text: string): string {
  // io.color already said whether to colour: styleText is not to check process.stdout again.
  return io.color ? styleText(style, text, { validateStream: false }) : text;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}

/** A failure the operator can act on, said in one line (exit 1): no stack trace. */
export class CommandFailed extends Error {}

/** What node:util's parseArgs throws for an unknown option or a missing value. */
export function isParseArgsError(error: unknown): boolean {
  return (
    error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
  );
}
