/**
 * What the operator decides about where `exec` steps run: in namespaces of their own (the
 * default) or directly on the host (`none`, unsafe where anyone can push a pipeline), where
 * their working directories are made, which identity they run as, and which host paths they
 * must never see even inside the folders they are given.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';

export type SandboxMode = 'namespaces' | 'none';
export const SANDBOX_MODES: readonly SandboxMode[] = ['namespaces', 'none'];
/** `host`: the machine's network, as CI steps expect; `none`: a network namespace of its own, empty. */
export type SandboxNetwork = 'host' | 'none';
export const SANDBOX_NETWORKS: readonly SandboxNetwork[] = ['host', 'none'];

export interface SandboxSettings {
  mode: SandboxMode;
  /**
   * Where each attempt's own working directory (and, in the sandbox, its /tmp and HOME) is made
   * and removed when it ends; never the data directory.
   */
  workspaceRoot: string;
  /**
   * A host folder that is every attempt's working directory instead of a fresh one
   * (`forgeflow run`: the current directory, so local steps act on one's checkout).
   */
  workingDirectory?: string;
  /** A host folder that is every attempt's /tmp instead of a fresh one (`forgeflow run`: one per run). */
  sharedTmp?: string;
  /**
   * Who steps run as when forgeflow runs as root: this uid and gid (default 65534, nobody), or
   * `caller`: root itself, with every capability dropped (`forgeflow run`, so files written in
   * one's checkout stay one's own). A server that is not root always runs steps as itself, in a
   * user namespace.
   */
  user: { uid: number; gid: number } | 'caller';
  /** Host folders steps get read-only besides the system folders (tools installed elsewhere). */
  readOnly: readonly string[];
  /** Host paths masked wherever they would show inside the sandbox (the data directory, keys). */
  hidden: readonly string[];
  /**
   * `none` keeps steps off every network, the machine's loopback services included (a local
   * database that trusts local connections, say); `host` (the default) shares the machine's.
   */
  network: SandboxNetwork;
}

export const NOBODY = { uid: 65534, gid: 65534 } as const;

/** Read-only in every sandbox (those that exist here): the programs and their libraries. */
export const SYSTEM_FOLDERS = [
  'usr',
  'bin',
  'sbin',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'etc',
] as const;

/**
 * Places in /etc that hold credentials rather than configuration programs need: password
 * hashes, host keys, TLS keys, sudo rules, and what service managers pass to services as their
 * environment (systemd units and drop-ins, /etc/default files, /etc/environment), where an
 * operator's tokens often live. Masked when they exist.
 */
export const DEFAULT_HIDDEN = [
  '/etc/shadow',
  '/etc/shadow-',
  '/etc/gshadow',
  '/etc/gshadow-',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh',
  '/etc/ssl/private',
  '/etc/systemd',
  '/etc/default',
  '/etc/environment',
  '/etc/credstore',
  '/etc/credstore.encrypted',
  '/etc/forgeflow',
] as const;

/** Where the step's working directory and HOME are inside the sandbox. */
export const SANDBOX_WORKSPACE = '/workspace';
export const SANDBOX_HOME = '/home/forgeflow';

/** What every sandbox has of its own: an extra read-only folder may not be in (or hold) one. */
export const SANDBOX_OWN_PATHS = ['/proc', '/dev', '/tmp', SANDBOX_WORKSPACE, SANDBOX_HOME];

/** The sandbox's own path `folder` would lie in or cover, if any. */
export function sandboxOwnPath(folder: string): string | undefined {
  const resolved = path.resolve(folder);
  return SANDBOX_OWN_PATHS.find((own) => {
    const [outer, inner] = [own, resolved].sort((a, b) => a.length - b.length) as [string, string];
    return inner === outer || inner.startsWith(outer === '/' ? '/' : `${outer}/`);
  });
}

/** Per server user, so two users' servers on one machine never share (or fight over) it. */
export function defaultWorkspaceRoot(): string {
  const uid = process.getuid?.() ?? 'user';
  return path.join(tmpdir(), `forgeflow-workspaces-${uid}`);
}

export function defaultSandboxSettings(overrides: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    mode: 'namespaces',
    workspaceRoot: defaultWorkspaceRoot(),
    user: NOBODY,
    readOnly: [],
    hidden: [...DEFAULT_HIDDEN],
    network: 'host',
    ...overrides,
  };
}

/** `65534:65534` or `65534` (the gid then equals the uid). */
export function parseSandboxUser(text: string): { uid: number; gid: number } | undefined {
  const match = /^(\d+)(?::(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const uid = Number(match[1]);
  const gid = Number(match[2] ?? match[1]);
  const valid = (id: number) => Number.isSafeInteger(id) && id > 0 && id < 2 ** 32 - 1;
  return valid(uid) && valid(gid) ? { uid, gid } : undefined;
}

/**
 * The operator's settings, from the environment (and the `--exec-sandbox` flag): the mode
 * (FORGEFLOW_EXEC_SANDBOX), the workspace root (FORGEFLOW_EXEC_WORKSPACES), the identity when
 * root (FORGEFLOW_EXEC_SANDBOX_USER=uid[:gid]), extra read-only folders
 * (FORGEFLOW_EXEC_SANDBOX_READONLY=/opt/tools,…) and the network (FORGEFLOW_EXEC_NETWORK=host|none). `secretPaths` (the data directory, key files)
 * are hidden besides the defaults. A string is what is wrong with them.
 */
export function readSandboxSettings(
  env: NodeJS.ProcessEnv,
  flag: string | undefined,
  secretPaths: readonly string[],
): SandboxSettings | string {
  const value = (name: string) => env[name]?.trim() || undefined;
  const mode = flag?.trim() || value('FORGEFLOW_EXEC_SANDBOX') || 'namespaces';
  if (!SANDBOX_MODES.includes(mode as SandboxMode))
    return `--exec-sandbox / FORGEFLOW_EXEC_SANDBOX must be namespaces or none, not "${mode}"`;
  const network = value('FORGEFLOW_EXEC_NETWORK') ?? 'host';
  if (!SANDBOX_NETWORKS.includes(network as SandboxNetwork))
    return `FORGEFLOW_EXEC_NETWORK must be host or none, not "${network}"`;
  if (network === 'none' && mode === 'none')
    return 'FORGEFLOW_EXEC_NETWORK=none needs the sandbox (FORGEFLOW_EXEC_SANDBOX=namespaces)';
  const userText = value('FORGEFLOW_EXEC_SANDBOX_USER');
  const user = userText === undefined ? NOBODY : parseSandboxUser(userText);
  if (user === undefined)
    return `FORGEFLOW_EXEC_SANDBOX_USER must be uid or uid:gid (not 0), not "${userText}"`;
  const readOnly = (value('FORGEFLOW_EXEC_SANDBOX_READONLY') ?? '')
    .split(',')
    .map((folder) => folder.trim())
    .filter((folder) => folder !== '');
  const relative = readOnly.find((folder) => !path.isAbsolute(folder));
  if (relative !== undefined)
    return `FORGEFLOW_EXEC_SANDBOX_READONLY takes absolute folders, not "${relative}"`;
  const clash = readOnly.find((folder) => sandboxOwnPath(folder) !== undefined);
  if (clash !== undefined)
    return `FORGEFLOW_EXEC_SANDBOX_READONLY cannot give ${clash}: the sandbox has its own ${sandboxOwnPath(clash)}`;
  const workspaceRoot = path.resolve(value('FORGEFLOW_EXEC_WORKSPACES') ?? defaultWorkspaceRoot());
  const hidden = secretPaths.map((secret) => path.resolve(secret));
  const inside = hidden.find((secret) => !path.relative(secret, workspaceRoot).startsWith('..'));
  if (inside !== undefined)
    return `FORGEFLOW_EXEC_WORKSPACES (${workspaceRoot}) must not be inside ${inside}`;
  return defaultSandboxSettings({
    mode: mode as SandboxMode,
    workspaceRoot,
    user,
    readOnly,
    hidden: [...DEFAULT_HIDDEN, ...hidden],
    network: network as SandboxNetwork,
  });
}
