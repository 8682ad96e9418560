/**
 * Reading and writing files of the dist-git clone by paths a repository chose (checkedPath has
 * refused `..` and absolute paths): no step through a symbolic link, so a link committed to
 * dist-git cannot send a write outside the clone.
 */
import { lstat, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { badInput, checkedPath } from './names.js';
import { SPEC_MAX_BYTES } from './spec-edit.js';

/** Refuses a path any of whose existing parts is a symbolic link; makes missing folders. */
async function plainPath(
  root: string,
  relative: string,
  what: string,
  make: boolean,
): Promise<string> {
  const segments = checkedPath(relative, what);
  let at = root;
  for (const [i, segment] of segments.entries()) {
    at = path.join(at, segment);
    const found = await lstat(at).catch(() => null);
    if (found?.isSymbolicLink())
      throw badInput(`${what}: ${relative} goes through a symbolic link`);
    const last = i === segments.length - 1;
    if (found === null && !last && make) await mkdir(at);
    if (found !== null && !last && !found.isDirectory())
      throw badInput(`${what}: ${relative} goes through a file`);
  }
  return at;
}

/** A file of the tree, or null when there is none. */
export async function readTreeFile(root: string, relative: string): Promise<string | null> {
  const file = await plainPath(root, relative, 'dist-git', false);
  const found = await lstat(file).catch(() => null);
  if (found === null) return null;
  if (!found.isFile() || found.size > SPEC_MAX_BYTES)
    throw badInput(`dist-git ${relative} is not a file forgeflow reads`);
  return readFile(file, 'utf8');
}

/** Writes a file of the tree, replacing what was at that path. */
export async function writeTreeFile(
  root: string,
  relative: string,
  text: string,
  what: string,
): Promise<void> {
  const file = await plainPath(root, relative, what, true);
  const found = await lstat(file).catch(() => null);
  if (found?.isDirectory()) throw badInput(`${what}: ${relative} is a folder in dist-git`);
  if (found !== null) await unlink(file);
  await writeFile(file, text, { flag: 'wx', mode: 0o644 });
}
