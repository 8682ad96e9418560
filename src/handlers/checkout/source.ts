/**
 * Where a worker's checkouts come from, given to the exec handler by its services (never read
 * from the environment by the handler): a server's forges, through a local mirror per
 * repository and the forge credentials `access` hands out; or, for `forgeflow run`, the local
 * git repository the pipeline file lives in (no network, no token).
 */
import type { GitAccess } from '../../forges/git-access.js';

export const DEFAULT_CHECKOUT_TIMEOUT_MS = 10 * 60_000;

export type CheckoutSource =
  | {
      kind: 'forge';
      /** The folder of the mirrors (bare repositories, one per repository), made if missing. */
      mirrors: string;
      access: GitAccess;
      /** For the whole checkout (fetch and working tree); default 10 min. */
      timeoutMs?: number;
    }
  | { kind: 'local'; directory: string; timeoutMs?: number };

/** Next to the workspace root unless the operator says (FORGEFLOW_CHECKOUT_MIRRORS). */
export function defaultMirrorRoot(workspaceRoot: string): string {
  return `${workspaceRoot.replace(/\/+$/, '')}-mirrors`;
}
