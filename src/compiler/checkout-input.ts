/**
 * What a job's `checkout:` becomes: exec's `checkout` input, whose values are expressions over
 * the event, evaluated when the node is scheduled. So the repository is always the event's own
 * (its normalized identity, never a URL from the payload) and nothing an event holds is read
 * as a template (a branch named `${{ … }}` stays a name).
 */
import type { JobConfig } from './schema/job.js';

export const DEFAULT_CHECKOUT_DEPTH = 1;

export function withCheckout(job: JobConfig, input: Record<string, unknown>): unknown {
  const checkout = job.checkout;
  if (checkout === undefined || checkout === false) return input;
  const depth =
    checkout === true ? DEFAULT_CHECKOUT_DEPTH : (checkout.depth ?? DEFAULT_CHECKOUT_DEPTH);
  return {
    ...input,
    checkout: {
      forge: '${{ event.forge }}',
      repo: '${{ event.repo.full_name }}',
      sha: '${{ event.sha || event.pr.head_sha }}',
      ref: '${{ event.ref }}',
      pr: '${{ event.pr.number }}',
      depth,
    },
  };
}
