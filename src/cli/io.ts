/** Small terminal helpers: colour only on a TTY without NO_COLOR, and a writer the tests can capture. */
import { styleText } from 'node:util';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  readFile: (path: string) => string;
}

type Style = Parameters<typeof styleText>[0];

export function paint(io: Io, style: Style, text: string): string {
  return io.color ? styleText(style, text) : text;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}
