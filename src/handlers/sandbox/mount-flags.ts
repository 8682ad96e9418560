/**
 * The flags of the host mount that holds a path (nosuid, nodev, noexec, atime), read from
 * /proc/self/mountinfo. A read-only bind is a remount, and a remount must repeat them: inside a
 * user namespace the kernel refuses to drop a flag it inherited (and as root, dropping noexec
 * would let steps run what the host does not).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const KEPT = new Set([
  'nosuid',
  'nodev',
  'noexec',
  'noatime',
  'nodiratime',
  'relatime',
  'strictatime',
]);

/** This process's mounts, as `mountFlagsIn` reads them. */
export async function mountFlagsReader(): Promise<(file: string) => string[]> {
  return mountFlagsIn(await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
}

/** A lookup of the kept flags of the mount holding each path (longest, latest mount point). */
export function mountFlagsIn(mountinfo: string): (file: string) => string[] {
  const mounts = mountinfo
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length > 5)
    .map((fields) => ({
      point: unescapeMountinfo(fields[4]!),
      flags: fields[5]!.split(',').filter((flag) => KEPT.has(flag)),
    }));
  return (file) => {
    let best: (typeof mounts)[number] | undefined;
    for (const mount of mounts) {
      const relative = path.relative(mount.point, file);
      const within = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
      if (within && (best === undefined || mount.point.length >= best.point.length)) best = mount;
    }
    return best?.flags ?? [];
  };
}

/** mountinfo writes a space, tab, newline and backslash in a path as octal escapes. */
function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
