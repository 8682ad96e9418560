/**
 * A status a handler tells about its node (graph `statuses`): the `status` field of its output,
 * or of its error's details. The runtime posts it on the node's commit status (report.ts), so a
 * Copr build can say "SRPM build is in progress..." and link to Copr, not to forgeflow. Read
 * defensively: a handler's output is data, and what is not a status is ignored.
 */

export interface StatusUpdate {
  /** While the node runs; its end's state is the runtime's (success, failure, …). */
  state: 'pending' | 'running';
  description: string;
  /** Where the status links to; null: the run's page. */
  target_url: string | null;
}

/** Characters of a description kept (GitHub shows 140; a check run's title a little more). */
export const STATUS_DESCRIPTION_MAX = 200;
const URL_MAX = 2_000;

/** The `status` of a handler's output (or error details), or null when it has none. */
export function statusUpdateOf(value: unknown): StatusUpdate | null {
  if (typeof value !== 'object' || value === null) return null;
  const status = (value as { status?: unknown }).status;
  if (typeof status !== 'object' || status === null) return null;
  const { state, description, target_url } = status as Record<string, unknown>;
  if (typeof description !== 'string' || description.trim() === '') return null;
  return {
    state: state === 'running' ? 'running' : 'pending',
    description: description.slice(0, STATUS_DESCRIPTION_MAX),
    target_url: webUrl(target_url),
  };
}

/** Whether two updates would post the same status. */
export function sameStatus(a: StatusUpdate | null, b: StatusUpdate | null): boolean {
  return (
    a !== null &&
    b !== null &&
    a.state === b.state &&
    a.description === b.description &&
    a.target_url === b.target_url
  );
}

/** Only an http(s) link of a sane length is posted; anything else falls back to the run's page. */
function webUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > URL_MAX) return null;
  return /^https?:\/\/[^\s]+$/.test(value) ? value : null;
}
