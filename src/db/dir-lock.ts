/**
 * A pid lock file for PGlite's data directory. PGlite itself has no multi-process safety: it
 * writes postmaster.pid with pid -42, so a second process opening the same directory succeeds
 * and corrupts it (electric-sql/pglite#1106). The lock holds the owner's pid; a lock whose
 * pid is dead (a crash, a kill -9) is taken over.
 *
 * Known limit: two processes taking over the same stale lock in the same millisecond can both
 * win; the window is between reading the dead pid and unlinking the file.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'forgeflow.lock';

/** Locks held by this process, so a snapshot that carries our own pid is not mistaken for us. */
const held = new Set<string>();
let exitHookInstalled = false;

/** Another live process holds the directory: a sentence for the operator, not a crash. */
export class DataDirInUse extends Error {}

export interface DirLock {
  readonly path: string;
  release(): void;
}

export function lockDataDir(dir: string): DirLock {
  const path = join(resolve(dir), LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
    }
    const pid = readPid(path);
    if (pid === 'vanished') continue;
    if (pid === process.pid && held.has(path))
      throw new DataDirInUse(
        `this process already has the embedded database at ${resolve(dir)} open`,
      );
    const live =
      pid === 'empty'
        ? justWritten(path) // another process is between creating the file and writing its pid
        : pid !== process.pid && isAlive(pid);
    if (live)
      throw new DataDirInUse(
        `another forgeflow process (pid ${pid === 'empty' ? '?' : pid}) has the embedded database at ${resolve(dir)} open; stop it first, or give this command another --data-dir`,
      );
    if (readPid(path) === pid) removeQuietly(path); // stale: take it over
  }
  held.add(path);
  installExitHook();
  return {
    path,
    release() {
      if (!held.delete(path)) return;
      if (readPid(path) === process.pid) removeQuietly(path);
    },
  };
}

function readPid(path: string): number | 'empty' | 'vanished' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return 'vanished';
  }
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 'empty';
}

function justWritten(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 5_000;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Best effort on a normal exit; a signal or crash leaves a stale lock the next start takes over. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const path of held) if (readPid(path) === process.pid) removeQuietly(path);
  });
}
