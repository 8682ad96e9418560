/**
 * A captured Io for a command run in this process while the test acts on it: `until(pattern)`
 * resolves when the output (stdout) first matches, so a test waits for what the command says
 * instead of sleeping. Relative paths are read from the repository's root, as runCli does.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { REPO_ROOT } from './cli.js';

export interface WatchedIo {
  io: Io;
  out(): string;
  err(): string;
  /** The first match of `pattern` in the output; rejects after `timeoutMs` (a safety net). */
  until(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function watchedIo(): WatchedIo {
  let out = '';
  let err = '';
  const waiting = new Set<() => void>();
  const io: Io = {
    out: (text) => {
      out += text;
      for (const check of [...waiting]) check();
    },
    err: (text) => void (err += text),
    color: false,
    readFile: (path) => readFileSync(isAbsolute(path) ? path : join(REPO_ROOT, path), 'utf8'),
  };
  return {
    io,
    out: () => out,
    err: () => err,
    until(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`the output never matched ${pattern}:\n${out}\n${err}`));
        }, timeoutMs);
        const check = () => {
          const match = pattern.exec(out);
          if (!match) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve(match);
        };
        waiting.add(check);
        check();
      });
    },
  };
}
