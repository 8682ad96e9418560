/**
 * Poison pills: a task whose worker dies every time it runs it (killed for memory, a crash of
 * the process, a loop that blocks it until it is killed). The sweeper sees each such attempt
 * as a lease that ran out (or that liveness.ts expired when the worker stopped beating); counted alone, it would be retried by the node's policy, forever
 * with `maximum_attempts: 0`, taking down each new worker in turn. So the runtime counts a
 * node's consecutive attempts lost that way (nodes.lost_attempts, reset by any attempt a worker
 * reports itself) and fails the node at a limit that no retry policy can raise.
 */
import { errorInfo, type ErrorInfo } from '../contracts/errors.js';

/** How many attempts in a row a node may lose to a dead worker before it fails. */
export const DEFAULT_MAX_LOST_ATTEMPTS = 3;

/** The node's final error once `lost` consecutive attempts reached `limit`, else undefined. */
export function poisonError(lost: number, limit: number): ErrorInfo | undefined {
  if (lost < limit) return undefined;
  return errorInfo(
    'WorkerCrashed',
    `the worker died ${lost} times in a row while running it (each time it stopped beating or its lease ran out: the process was killed, ran out of memory, crashed or hung); it is not tried again`,
    { nonRetryable: true, details: { kind: 'lease', lost_attempts: lost, limit } },
  );
}
