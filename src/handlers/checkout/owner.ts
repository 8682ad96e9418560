/** Handing a checked-out tree to the identity a sandboxed step runs as (links are not followed). */
import { lchown, readdir } from 'node:fs/promises';
import path from 'node:path';

export async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await lchown(dir, owner.uid, owner.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const inside = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(inside, owner);
    else await lchown(inside, owner.uid, owner.gid);
  }
}
