/**
 * How one sandboxed attempt is started (util-linux's `unshare` running the fixed SETUP script)
 * and what its setup channel said about how it went.
 */
import type { ProcessLaunch } from '../exec-process.js';
import { encodeEnvironment } from './env-stream.js';
import type { SandboxRoot } from './root-tree.js';
import { SANDBOX_MESSAGES, SETUP_SCRIPT, STEP_SCRIPT } from './scripts.js';
import type { SandboxSettings } from './settings.js';

/** The setup's only variable: where `unshare`, `mount`, `pivot_root` and `setpriv` are. */
const SETUP_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Who the step runs as. Root drops to the configured uid/gid with setpriv (or stays uid 0 with no
 * capabilities for `caller`); any other server runs steps as itself, from inside a user namespace.
 */
export interface SandboxIdentity {
  kind: 'setpriv' | 'userns';
  uid: number;
  gid: number;
}

export function sandboxIdentity(settings: SandboxSettings): SandboxIdentity {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined) throw new Error('namespaces are a Linux feature');
  if (uid !== 0) return { kind: 'userns', uid, gid };
  return settings.user === 'caller'
    ? { kind: 'setpriv', uid: 0, gid: 0 }
    : { kind: 'setpriv', ...settings.user };
}

/** The folders the step writes are chowned to it only when root hands them to another uid. */
export function folderOwner(identity: SandboxIdentity): { uid: number; gid: number } | undefined {
  return identity.kind === 'setpriv' && identity.uid !== 0
    ? { uid: identity.uid, gid: identity.gid }
    : undefined;
}

export function sandboxLaunch(
  tree: SandboxRoot,
  identity: SandboxIdentity,
  cwd: string,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  hostCwd: string,
  settings: Pick<SandboxSettings, 'network'>,
): ProcessLaunch {
  const user = identity.kind === 'userns' ? ['--user', '--map-root-user'] : [];
  // A network namespace of its own has only a loopback device, down: no network at all.
  const net = settings.network === 'none' ? ['--net'] : [];
  return {
    command: 'unshare',
    args: [
      ...user,
      ...['--pid', '--fork', '--mount', '--ipc', '--uts', ...net, '--propagation', 'private'],
      ...['--', '/bin/sh', '-c', SETUP_SCRIPT, 'forgeflow-sandbox', tree.fstab, tree.root],
      ...[identity.kind, String(identity.uid), String(identity.gid), STEP_SCRIPT, cwd, ...argv],
    ],
    env: { PATH: SETUP_PATH },
    cwd: hostCwd,
    sandbox: { stdin: encodeEnvironment(env) },
  };
}

export type SetupOutcome =
  | { kind: 'started' }
  | { kind: 'no-cwd' | 'not-found' | 'not-executable' }
  | { kind: 'failed'; detail: string };

/** What the setup channel says: the program ran, or why it could not. */
export function setupOutcome(text: string): SetupOutcome {
  const lines = text.split('\n').map((line) => line.trim());
  if (lines.includes(SANDBOX_MESSAGES.started)) return { kind: 'started' };
  if (lines.includes(SANDBOX_MESSAGES.noCwd)) return { kind: 'no-cwd' };
  if (lines.includes(SANDBOX_MESSAGES.notFound)) return { kind: 'not-found' };
  if (lines.includes(SANDBOX_MESSAGES.notExecutable)) return { kind: 'not-executable' };
  const detail = lines.filter((line) => line !== '').join('; ');
  return { kind: 'failed', detail: detail === '' ? 'it ended before the program started' : detail };
}
