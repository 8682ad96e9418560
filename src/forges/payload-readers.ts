/**
 * Typed readers for untrusted webhook JSON, shared by the GitHub and GitLab normalizers.
 *
 * A webhook body is whatever a forge (or anyone who can reach the endpoint) sends, so nothing in it
 * is trusted to have the documented shape. Normalizers read it only through these helpers: optional
 * readers give `null` for a missing or wrongly typed value, `need*` readers throw `Malformed`, which
 * `guard` turns into an `ignored` result naming the path. A value of the right type that no forge
 * can send (a pull request number past what PostgreSQL's `int` holds) throws `Impossible`, which
 * `guard` turns into an `impossible` result. No `as any`, no throw past `guard`.
 */

import type { Actor, Event, Forge, NormalizeResult, Repository } from '../events/event.js';
import { repoNameProblem } from './repo-paths.js';

type Path = readonly (string | number)[];

/** A value that is missing or has the wrong type, found where a normalizer needed it. */
export class Malformed extends Error {
  override readonly name = 'Malformed';
}

/** A value no forge sends: the payload is refused (4xx), not recorded as ignored. */
export class Impossible extends Error {
  override readonly name = 'Impossible';
}

/** Pull/merge request and issue numbers count from 1 and are stored as PostgreSQL `int`. */
export const MAX_PR_NUMBER = 2 ** 31 - 1;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks own properties only, so `__proto__` or `constructor` in a payload reads as absent. */
export function at(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(value) || key >= value.length) return undefined;
      value = value[key] as unknown;
    } else {
      if (!isRecord(value) || !Object.hasOwn(value, key)) return undefined;
      value = value[key];
    }
  }
  return value;
}

export function str(root: unknown, ...path: Path): string | null {
  const value = at(root, path);
  return typeof value === 'string' ? value : null;
}

/** A finite number (JSON has no NaN, but a caller may hand us anything). */
export function num(root: unknown, ...path: Path): number | null {
  const value = at(root, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function bool(root: unknown, ...path: Path): boolean | null {
  const value = at(root, path);
  return typeof value === 'boolean' ? value : null;
}

export function obj(root: unknown, ...path: Path): Record<string, unknown> | null {
  const value = at(root, path);
  return isRecord(value) ? value : null;
}

export function arr(root: unknown, ...path: Path): unknown[] | null {
  const value = at(root, path);
  return Array.isArray(value) ? (value as unknown[]) : null;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function need<T>(root: unknown, path: Path, read: (v: unknown) => T | null, type: string): T {
  const value = at(root, path);
  const result = read(value);
  if (result === null) {
    throw new Malformed(`${path.join('.')} should be ${type}, is ${describeValue(value)}`);
  }
  return result;
}

export const needStr = (root: unknown, ...path: Path): string =>
  need(root, path, (v) => str(v), 'a string');
export const needNum = (root: unknown, ...path: Path): number =>
  need(root, path, (v) => num(v), 'a number');
export const needObj = (root: unknown, ...path: Path): Record<string, unknown> =>
  need(root, path, (v) => obj(v), 'an object');

/** A pull/merge request (or issue) number: an integer from 1 to MAX_PR_NUMBER. */
export function needPrNumber(root: unknown, ...path: Path): number {
  const value = needNum(root, ...path);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PR_NUMBER)
    throw new Impossible(
      `${path.join('.')} is ${value}, not a whole number from 1 to ${MAX_PR_NUMBER}`,
    );
  return value;
}

/** A repository path as the forge names it (`owner/name`; GitLab `group/sub/name`). */
export function needRepoName(forge: Forge, root: unknown, ...path: Path): string {
  const value = needStr(root, ...path);
  const problem = repoNameProblem(value, forge);
  if (problem !== null) throw new Impossible(`${path.join('.')} "${value}": ${problem}`);
  return value;
}

/** The string members of an array (label names, file paths); others are skipped. */
export function strings(root: unknown, path: Path, key?: string): string[] {
  const items = arr(root, ...path) ?? [];
  const out: string[] = [];
  for (const item of items) {
    const value = key === undefined ? item : at(item, [key]);
    if (typeof value === 'string') out.push(value);
  }
  return out;
}

/** Sorted, de-duplicated union of the file lists of push commits. */
export function commitPaths(commits: unknown[]): string[] {
  const paths = new Set<string>();
  for (const commit of commits) {
    for (const list of ['added', 'removed', 'modified']) {
      for (const path of strings(commit, [list])) paths.add(path);
    }
  }
  return [...paths].sort();
}

/** An all-zero sha is git's "no object": the `after` of a deletion, the `before` of a creation. */
export const isNullSha = (sha: string | null): boolean => sha !== null && /^0+$/.test(sha);

export const isFullSha = (sha: string | null): sha is string =>
  sha !== null && /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha);

/** `refs/heads/x` → branch x, `refs/tags/x` → tag x, anything else → null. */
export function splitRef(ref: string): { type: 'branch' | 'tag'; name: string } | null {
  if (ref.startsWith('refs/heads/') && ref.length > 11)
    return { type: 'branch', name: ref.slice(11) };
  if (ref.startsWith('refs/tags/') && ref.length > 10) return { type: 'tag', name: ref.slice(10) };
  return null;
}

/** `group/sub/project` → owner `group/sub`, name `project`. */
export function splitFullName(fullName: string): { owner: string; name: string } {
  const slash = fullName.lastIndexOf('/');
  return slash < 0
    ? { owner: '', name: fullName }
    : { owner: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
}

/** The event fields every kind fills the same way; each normalizer overrides what it knows. */
export function baseEvent(
  forge: Event['forge'],
  kind: Event['kind'],
  repo: Repository,
  sender: Actor,
  payload: unknown,
): Event {
  return {
    forge,
    kind,
    action: null,
    repo,
    sha: null,
    ref: null,
    branch: null,
    tag: null,
    pr: null,
    comment: null,
    release: null,
    sender,
    changed_paths: null,
    deleted: false,
    payload,
  };
}

/** Prefix of the reason given when a normalizer itself fails: a forgeflow bug, never the payload's fault. */
export const INTERNAL_ERROR = 'internal error normalizing';

/**
 * Runs a normalizer body: `Malformed` becomes an ignored result naming what is missing,
 * `Impossible` an impossible one naming the value. Any other
 * error is a bug here, but a webhook endpoint must still answer, so it too becomes a result, with
 * a reason starting with `INTERNAL_ERROR` (tests assert it never appears).
 */
export function guard(context: string, body: () => NormalizeResult): NormalizeResult {
  try {
    return body();
  } catch (error) {
    if (error instanceof Malformed) return ignore(`malformed ${context}: ${error.message}`);
    if (error instanceof Impossible)
      return { ok: false, ignored: `impossible ${context}: ${error.message}`, impossible: true };
    const message = error instanceof Error ? error.message : typeof error;
    return ignore(`${INTERNAL_ERROR} ${context}: ${message}`);
  }
}

export const ignore = (reason: string): NormalizeResult => ({ ok: false, ignored: reason });
export const accept = (event: Event): NormalizeResult => ({ ok: true, event });
