/**
 * What a failed git command means for the attempt: the forge refused us or has no such
 * repository (not retried), the commit is not there (not retried, or the next way of asking
 * for it is tried), or the network or the forge failed (retried). Messages carry git's last
 * lines, masked, never its argv or environment.
 */
import { HandlerError } from '../../contracts/errors.js';
import type { Masker } from '../../common/mask.js';
import { denied } from './request.js';

const REFUSED =
  /returned error: 40[13]|Authentication failed|Access denied|could not read (?:Username|Password)|terminal prompts disabled|Invalid username or password/i;
const NO_REPOSITORY =
  /returned error: 404|repository .* not found|Repository not found|does not appear to be a git repository/i;
const NO_COMMIT =
  /not our ref|couldn't find remote ref|no such remote ref|unadvertised object|not a valid object|bad object|remote error: upload-pack/i;

export type FetchProblem = 'no-commit' | HandlerError;

export function fetchProblem(stderr: string, what: string, masker: Masker): FetchProblem {
  const said = gitSaid(stderr, masker);
  if (REFUSED.test(stderr))
    return denied(`the forge refused forgeflow's credentials for ${what}: ${said}`);
  if (NO_REPOSITORY.test(stderr))
    return denied(`the forge has no repository ${what} that forgeflow may read: ${said}`);
  if (NO_COMMIT.test(stderr)) return 'no-commit';
  return failed(`could not fetch ${what}: ${said}`);
}

export function failed(message: string, cause?: unknown): HandlerError {
  return new HandlerError('CheckoutFailed', message, { cause });
}

export function noCommit(message: string): HandlerError {
  return new HandlerError('CheckoutNoCommit', message, { nonRetryable: true });
}

/** git's last few lines, masked and short. */
export function gitSaid(stderr: string, masker: Masker): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const text = lines.slice(-3).join('; ') || 'git said nothing';
  return masker.text(text).slice(0, 500);
}
