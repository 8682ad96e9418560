/**
 * The sandbox's root, prepared on the host for SETUP to mount in one `mount --all`: a skeleton
 * folder (mount points, the /dev nodes' placeholders, merged-/usr links) and an fstab listing,
 * in order, what goes where: the skeleton itself read-only, the system folders read-only, a
 * fresh /proc with /proc/sys read-only, the /dev nodes a program needs, a private /dev/shm, the
 * attempt's /tmp, working directory and HOME, and masks over every hidden path that would show
 * inside. Nothing else of the host exists in it.
 */
import { access, lstat, mkdir, readlink, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { mountFlagsReader } from './mount-flags.js';
import type { AttemptDir } from './workspace.js';
import {
  SANDBOX_HOME,
  SANDBOX_WORKSPACE,
  sandboxOwnPath,
  SYSTEM_FOLDERS,
  type SandboxSettings,
} from './settings.js';

const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom'] as const;
const DEV_LINKS = {
  fd: '/proc/self/fd',
  stdin: '/proc/self/fd/0',
  stdout: '/proc/self/fd/1',
  stderr: '/proc/self/fd/2',
} as const;
/**
 * Configuration in /etc that is often a link out of it (systemd-resolved's resolv.conf points
 * into /run): its target is given too, read-only, or steps could not resolve host names. Only
 * these: following any link would hand steps whatever an /etc link points at.
 */
export const LINKED_CONFIG = ['/etc/resolv.conf'] as const;

export interface SandboxRoot {
  /** The folder that becomes `/`. */
  root: string;
  fstab: string;
}

/** A host folder and where it shows inside the sandbox. */
export interface Bind {
  host: string;
  inside: string;
}

export async function buildSandboxRoot(
  settings: SandboxSettings,
  attempt: AttemptDir,
): Promise<SandboxRoot> {
  const root = path.join(attempt.dir, 'root');
  const at = (inside: string) => (inside === '/' ? root : path.join(root, inside));
  const entries: string[][] = [];
  const mount = (source: string, inside: string, type: string, options: string) =>
    entries.push([source, at(inside), type, options]);
  const binds: Bind[] = [];
  const hostFlags = await mountFlagsReader();
  /** A read-only bind: the host mount's flags kept, and never set-uid files or devices. */
  const readOnly = (host: string, bind = 'bind') =>
    [...new Set([bind, 'ro', 'nosuid', 'nodev', ...hostFlags(host)])].join(',');

  await mkdir(root, { mode: 0o755 });
  mount(root, '/', 'none', readOnly(root));
  for (const name of SYSTEM_FOLDERS) {
    const host = `/${name}`;
    const stat = await lstat(host).catch(() => undefined);
    if (stat?.isSymbolicLink()) {
      await symlink(await readlink(host), at(host)); // merged /usr: /bin -> usr/bin
    } else if (stat?.isDirectory()) {
      await mkdir(at(host));
      mount(host, host, 'none', readOnly(host, 'rbind'));
      binds.push({ host, inside: host });
    }
  }
  for (const folder of settings.readOnly) {
    const host = await realpath(folder);
    const own = sandboxOwnPath(host);
    if (own !== undefined)
      throw new Error(`${folder} would hide or be hidden by the sandbox's ${own}`);
    await mkdir(at(host), { recursive: true });
    mount(host, host, 'none', readOnly(host, 'rbind'));
    binds.push({ host, inside: host });
  }

  for (const target of await linkTargetsOutside(LINKED_CONFIG, binds)) {
    await mkdir(at(path.dirname(target)), { recursive: true });
    await writeFile(at(target), '');
    mount(target, target, 'none', readOnly(target));
  }

  await mkdir(at('/proc'));
  mount('proc', '/proc', 'proc', 'nosuid,nodev,noexec');
  mount(at('/proc/sys'), '/proc/sys', 'none', 'bind,ro,nosuid,nodev,noexec');
  if (await exists('/proc/sysrq-trigger'))
    mount('/dev/null', '/proc/sysrq-trigger', 'none', readOnly('/dev/null'));

  await mkdir(at('/dev/shm'), { recursive: true });
  for (const node of DEV_NODES) {
    if (!(await exists(`/dev/${node}`))) continue;
    await writeFile(at(`/dev/${node}`), '');
    mount(`/dev/${node}`, `/dev/${node}`, 'none', 'bind');
  }
  for (const [name, target] of Object.entries(DEV_LINKS)) await symlink(target, at(`/dev/${name}`));
  mount('tmpfs', '/dev/shm', 'tmpfs', 'nosuid,nodev,noexec,mode=1777,size=64m');

  for (const [host, inside] of [
    [attempt.tmp, '/tmp'],
    [attempt.work, SANDBOX_WORKSPACE],
    [attempt.home, SANDBOX_HOME],
  ] as const) {
    await mkdir(at(inside), { recursive: true });
    // A plain bind keeps the host mount's flags; no_new_privs and no CAP_MKNOD make set-uid
    // files and device nodes of the step's own harmless.
    mount(host, inside, 'none', 'bind');
  }
  binds.push({ host: attempt.work, inside: SANDBOX_WORKSPACE });
  if (settings.sharedTmp !== undefined) binds.push({ host: attempt.tmp, inside: '/tmp' });

  // Other attempts' folders are hidden too, wherever the workspace root lies.
  for (const hidden of [...settings.hidden, settings.workspaceRoot]) {
    const host = await realpath(hidden).catch(() => undefined);
    if (host === undefined) continue;
    const isDirectory = (await lstat(host)).isDirectory();
    for (const inside of placesInside(host, binds)) {
      if (isDirectory) mount('tmpfs', inside, 'tmpfs', 'ro,nosuid,nodev,noexec,size=4k,mode=000');
      else mount('/dev/null', inside, 'none', readOnly('/dev/null'));
    }
  }

  const fstab = path.join(attempt.dir, 'fstab');
  const text = entries.map((fields) => [...fields, '0', '0'].map(fstabField).join(' ')).join('\n');
  await writeFile(fstab, `${text}\n`, { mode: 0o600 });
  return { root, fstab };
}

/** The files these links lead to where no bind already shows them (and that are files). */
export async function linkTargetsOutside(
  links: readonly string[],
  binds: readonly Bind[],
): Promise<string[]> {
  const targets: string[] = [];
  for (const link of links) {
    if (!(await lstat(link).catch(() => undefined))?.isSymbolicLink()) continue;
    const target = await realpath(link).catch(() => undefined);
    if (target === undefined || placesInside(target, binds).length > 0) continue;
    if ((await lstat(target)).isFile() && sandboxOwnPath(target) === undefined)
      targets.push(target);
  }
  return targets;
}

/** Where a host path shows inside the sandbox: under each bind that holds it. */
function placesInside(host: string, binds: readonly Bind[]): string[] {
  return binds.flatMap(({ host: folder, inside }) => {
    const relative = path.relative(folder, host);
    const within =
      relative === '' ||
      (relative !== '..' && !relative.startsWith('../') && !path.isAbsolute(relative));
    return within ? [path.posix.join(inside, relative)] : [];
  });
}

/** fstab's escapes (libmount reads them back): a space would end the field. */
function fstabField(value: string): string {
  return value.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
