/**
 * Whether the sandbox can be set up on this machine, found the only honest way: by setting one
 * up and running `true` in it, exactly as an attempt would. A server with exec enabled refuses
 * to start without it, in one sentence that says what is missing and how to opt out.
 */
import { superviseProcess } from '../exec-process.js';
import { folderOwner, sandboxIdentity, sandboxLaunch, setupOutcome } from './launch.js';
import { buildSandboxRoot } from './root-tree.js';
import { SANDBOX_WORKSPACE, type SandboxSettings } from './settings.js';
import { createAttemptDir, removeTree } from './workspace.js';

const PROBE_TIMEOUT_MS = 30_000;

/** Undefined when a sandboxed `true` ran and exited 0; otherwise what went wrong. */
export async function probeSandbox(settings: SandboxSettings): Promise<string | undefined> {
  if (settings.mode === 'none') return undefined;
  if (process.platform !== 'linux')
    return `namespaces are a Linux feature (this is ${process.platform})`;
  let dir: string | undefined;
  try {
    const identity = sandboxIdentity(settings);
    const attempt = await createAttemptDir(settings, folderOwner(identity));
    dir = attempt.dir;
    const tree = await buildSandboxRoot(settings, attempt);
    const launch = sandboxLaunch(
      tree,
      identity,
      SANDBOX_WORKSPACE,
      ['true'],
      {},
      attempt.dir,
      settings,
    );
    const result = await superviseProcess(launch, {
      cap: 4096,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      killGraceMs: 1_000,
    });
    const setup = setupOutcome(result.setup);
    if (setup.kind === 'failed') return setup.detail;
    if (setup.kind !== 'started') return `the sandbox's own check failed (${setup.kind})`;
    const { code, signal } = result.exit;
    return code === 0 ? undefined : `\`true\` ended with ${signal ?? `exit code ${code}`} in it`;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code === 'ENOENT' ? "util-linux's unshare is not installed" : message;
  } finally {
    if (dir !== undefined) await removeTree(dir).catch(() => undefined);
  }
}

/** The sentence a server that cannot sandbox its steps stops with. */
export function sandboxUnavailable(reason: string): string {
  return (
    `exec's sandbox cannot be set up on this machine (${reason}): it needs Linux namespaces and ` +
    "util-linux's unshare, mount, pivot_root and setpriv, run as root or with unprivileged user " +
    'namespaces enabled; set FORGEFLOW_EXEC_SANDBOX=none (or --exec-sandbox none) to run steps ' +
    'without it, which is unsafe wherever people you do not trust can push a pipeline'
  );
}
