/**
 * exec's `checkout` input: which repository and commit an attempt's working directory is filled
 * with. The compiler makes it from the event (src/compiler/checkout-input.ts); the handler checks
 * it again, since a ref or sha reaches git's argv and the repository must be the event's.
 */
import { HandlerError } from '../../contracts/errors.js';
import { MAX_CHECKOUT_DEPTH } from '../../compiler/schema/checkout.js';
import type { Event } from '../../events/event.js';

export interface CheckoutRequest {
  forge: string;
  repo: string;
  /** The commit; null where the event names none (then the pull request's head, the ref, or HEAD). */
  sha: string | null;
  ref: string | null;
  pr: number | null;
  /** Commits of history; 0 for all. */
  depth: number;
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** A branch or tag ref as git allows them, the few characters branch names use. */
const REF = /^refs\/(?:heads|tags)\/[A-Za-z0-9._+/-]{1,240}$/;

export const checkoutInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['forge', 'repo', 'depth'],
  properties: {
    forge: { type: 'string' },
    repo: { type: 'string' },
    sha: { type: ['string', 'null'] },
    ref: { type: ['string', 'null'] },
    pr: { type: ['integer', 'null'], minimum: 1 },
    depth: { type: 'integer', minimum: 0, maximum: MAX_CHECKOUT_DEPTH },
  },
  description:
    "Made by the job key `checkout:` from the event: the repository at the event's commit in the working directory.",
} as const;

/** The request, refused unless it is the event's repository and its names are plain. */
export function checkedRequest(request: CheckoutRequest, event: Event): CheckoutRequest {
  if (request.forge !== event.forge || request.repo !== event.repo.full_name)
    throw denied(
      `checkout is of the event's repository only (${event.forge} ${event.repo.full_name}), not ${request.forge} ${request.repo}`,
    );
  if (request.sha !== null && !SHA.test(request.sha))
    throw denied(`checkout: "${request.sha}" is not a full commit id`);
  const ref =
    request.ref !== null && REF.test(request.ref) && !badRef(request.ref) ? request.ref : null;
  return { ...request, ref };
}

/** What git refuses in a ref name besides the characters REF leaves out. */
function badRef(ref: string): boolean {
  return /\.\.|\/\/|\/\.|\.lock(?:\/|$)|[/.]$/.test(ref);
}

export function denied(message: string, cause?: unknown): HandlerError {
  return new HandlerError('CheckoutDenied', message, { nonRetryable: true, cause });
}
