/**
 * What a repository name and a file path inside a repository may be, for every place that
 * turns them into a forge API URL. URLs resolve `..` and `.` segments (and their
 * percent-encodings, `%2e%2e`, by the WHATWG URL rules fetch follows), so a name or path
 * holding one would make a request with the server's token climb to another endpoint
 * (`file: "../../../../user"` became `GET /user`). Callers check early with the `*Problem`
 * functions and answer 400; the clients build URLs only through `urlSegment`, so nothing
 * can climb even where a caller forgot.
 */
import { FORGES, type Forge } from '../events/forges.js';
import { storableText } from '../events/storable-json.js';
import { HandlerError } from '../contracts/errors.js';
import { FORGE_ERRORS } from './http-errors.js';

/** The characters GitHub and GitLab allow in owner, group and repository names. */
const NAME_SEGMENT = /^[A-Za-z0-9_.-]{1,255}$/;
const DOTS_ONLY = /^\.+$/;

/** Why `fullName` is not a repository path on `forge` (`owner/name`; GitLab `group/sub/name`), or null. */
export function repoNameProblem(fullName: string, forge: Forge): string | null {
  const segments = fullName.split('/');
  const { title, repoShape, repoSegments } = FORGES[forge];
  const count = segments.length >= repoSegments.min && segments.length <= repoSegments.max;
  if (!count || !segments.every((s) => NAME_SEGMENT.test(s) && !DOTS_ONLY.test(s)))
    return `a ${title} repository is ${repoShape}, each part letters, digits, "_", "-" and "." (not only dots)`;
  return null;
}

/**
 * Control characters (NUL included), backslashes and percent signs have no place in a path;
 * nor U+FFFD, which is what a NUL in a JSON body has become by the time a route reads it.
 */
const FORBIDDEN_IN_PATH = /[\u0000-\u001f\u007f\\%\ufffd]/;

/** Why `path` is not a plain relative path inside a repository, or null. */
export function repoFileProblem(path: string): string | null {
  if (path === '') return 'the path is empty';
  if (path.startsWith('/')) return 'the path must be relative to the repository root';
  if (FORBIDDEN_IN_PATH.test(path))
    return 'the path may not hold control characters, U+FFFD, backslashes or "%"';
  for (const segment of path.split('/')) {
    if (segment === '') return 'the path has an empty part ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'the path may not hold "." or ".." parts';
  }
  return null;
}

/**
 * `value` itself when it is safe as one path segment of a forge API URL, or a non-retryable
 * `ForgeRequestError` for one that would read as `.` or `..` (or nothing) there, or that
 * holds a NUL or half a surrogate pair. `what` names the value in the message.
 */
export function checkSegment(value: string, what: string): string {
  // encodeURIComponent throws on an unpaired surrogate; a NUL names nothing on a forge.
  if (value === '' || DOTS_ONLY.test(value) || storableText(value).substituted > 0)
    throw new HandlerError(FORGE_ERRORS.request, `${what} "${value}" cannot be part of a URL`, {
      nonRetryable: true,
    });
  return value;
}

/** One path segment of a forge API URL: checked, then percent-encoded (`/` included). */
export function urlSegment(value: string, what: string): string {
  return encodeURIComponent(checkSegment(value, what));
}

/** `segments` each through `urlSegment`, joined by `/`. */
export function urlPath(segments: readonly string[], what: string): string {
  return segments.map((segment) => urlSegment(segment, what)).join('/');
}

/** A number as a URL segment (a pull request, a user id): a positive integer, never `NaN` or `1e+21`. */
export function idSegment(id: number, what: string): string {
  if (!Number.isSafeInteger(id) || id < 1)
    throw new HandlerError(FORGE_ERRORS.request, `${what} ${id} is not a positive integer`, {
      nonRetryable: true,
    });
  return String(id);
}
