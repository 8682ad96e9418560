/**
 * Attempt directories: each `exec` attempt gets one of its own under the workspace root (its
 * working directory and, in the sandbox, its /tmp and HOME), owned by the identity the step runs
 * as, unreadable to anyone else, and removed when the attempt ends, whatever the step left there.
 */
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';

import type { SandboxSettings } from './settings.js';

export interface AttemptDir {
  /** The attempt's own directory, removed at its end. */
  dir: string;
  /** The host folder that is the step's working directory. */
  work: string;
  /** The host folders that are the step's /tmp and HOME (made in the sandbox only). */
  tmp: string;
  home: string;
}

/** The workspace root, made if missing; refused unless it is a real folder only we can write. */
export async function workspaceRoot(
  root: string,
  what = 'the exec workspace root',
): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const stat = await lstat(root);
  const uid = process.getuid?.();
  const problem = stat.isSymbolicLink()
    ? 'is a symbolic link'
    : !stat.isDirectory()
      ? 'is not a directory'
      : uid !== undefined && stat.uid !== uid
        ? `belongs to uid ${stat.uid}, not to this server (uid ${uid})`
        : (stat.mode & 0o022) !== 0
          ? 'may be written by other users'
          : undefined;
  // Another local user who owned it could swap an attempt's folders for links to anything.
  if (problem) throw new Error(`${what} ${root} ${problem}`);
  return realpath(root);
}

/**
 * A fresh attempt directory. `owner` (root dropping steps to another uid) gets the folders the
 * step writes; the attempt directory itself stays ours, mode 0700.
 */
export async function createAttemptDir(
  settings: SandboxSettings,
  owner: { uid: number; gid: number } | undefined,
): Promise<AttemptDir> {
  const root = await workspaceRoot(settings.workspaceRoot);
  const dir = await mkdtemp(path.join(root, 'attempt-'));
  try {
    const own = async (folder: string): Promise<string> => {
      await mkdir(folder, { mode: 0o700 });
      if (owner) await chown(folder, owner.uid, owner.gid);
      return folder;
    };
    const sandboxed = settings.mode === 'namespaces';
    // The sandbox needs the real path (to find hidden paths inside it); without it, the path as
    // given is what a relative program is matched against in the allow-list.
    const given = settings.workingDirectory;
    const work =
      given === undefined
        ? await own(path.join(dir, 'work'))
        : sandboxed
          ? await realpath(given)
          : path.resolve(given);
    const tmp =
      settings.sharedTmp !== undefined
        ? await realpath(settings.sharedTmp)
        : sandboxed
          ? await own(path.join(dir, 'tmp'))
          : '';
    const home = sandboxed ? await own(path.join(dir, 'home')) : '';
    return { dir, work, tmp, home };
  } catch (error) {
    await removeTree(dir);
    throw error;
  }
}

/**
 * Removes a folder tree whatever a step did to it: a folder it made unwritable (mode 0500) is
 * opened up first, since only root ignores permissions.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    await openUp(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await openUp(path.join(dir, entry.name));
  }
}
