/**
 * Test support shared by the GitHub and GitLab normalizer tests: a structural check of `Event`
 * (so property tests can say more than "did not throw") and payload mutation for fast-check.
 */

import fc from 'fast-check';
import { expect } from 'vitest';
import { EVENT_KINDS, type Event, type NormalizeResult } from '../../src/events/event.js';
import { INTERNAL_ERROR } from '../../src/forges/payload-readers.js';

type Key = string | number;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Problems with an Event's shape, as `field: expected, got` lines; empty when it is well formed. */
export function eventShapeProblems(event: Event): string[] {
  const problems: string[] = [];
  const check = (where: string, value: unknown, ...allowed: string[]) => {
    const got = typeOf(value);
    if (!allowed.includes(got))
      problems.push(`${where}: expected ${allowed.join('|')}, got ${got}`);
    if (got === 'number' && !Number.isFinite(value)) problems.push(`${where}: not finite`);
  };
  const checkAll = (prefix: string, record: unknown, fields: Record<string, string[]>) => {
    for (const [field, allowed] of Object.entries(fields)) {
      check(`${prefix}.${field}`, isRecord(record) ? record[field] : undefined, ...allowed);
    }
  };
  const strings = (where: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    list.forEach((item, i) => check(`${where}[${i}]`, item, 'string'));
  };
  if (!['github', 'gitlab'].includes(event.forge)) problems.push(`forge: ${String(event.forge)}`);
  if (!EVENT_KINDS.includes(event.kind)) problems.push(`kind: ${String(event.kind)}`);
  checkAll('event', event, {
    action: ['string', 'null'],
    sha: ['string', 'null'],
    ref: ['string', 'null'],
    branch: ['string', 'null'],
    tag: ['string', 'null'],
    pr: ['object', 'null'],
    comment: ['object', 'null'],
    release: ['object', 'null'],
    changed_paths: ['array', 'null'],
    deleted: ['boolean'],
  });
  checkAll('repo', event.repo, {
    full_name: ['string'],
    owner: ['string'],
    name: ['string'],
    id: ['number', 'null'],
    html_url: ['string', 'null'],
    clone_url: ['string', 'null'],
    default_branch: ['string', 'null'],
    private: ['boolean', 'null'],
  });
  checkAll('sender', event.sender, { login: ['string'], id: ['number', 'null'] });
  strings('changed_paths', event.changed_paths);
  if (event.pr !== null) {
    checkAll('pr', event.pr, {
      number: ['number'],
      title: ['string'],
      url: ['string', 'null'],
      author: ['string', 'null'],
      head_sha: ['string', 'null'],
      head_ref: ['string', 'null'],
      base_ref: ['string', 'null'],
      base_sha: ['string', 'null'],
      labels: ['array'],
      draft: ['boolean'],
      merged: ['boolean'],
      state: ['string', 'null'],
      from_fork: ['boolean', 'null'],
    });
    strings('pr.labels', event.pr.labels);
  }
  if (event.comment !== null) {
    checkAll('comment', event.comment, {
      id: ['number'],
      body: ['string'],
      author: ['string'],
      author_association: ['string', 'null'],
      url: ['string', 'null'],
    });
  }
  if (event.release !== null) {
    checkAll('release', event.release, {
      tag: ['string'],
      name: ['string', 'null'],
      draft: ['boolean'],
      prerelease: ['boolean'],
      url: ['string', 'null'],
    });
  }
  if (event.rerun !== undefined) {
    checkAll('rerun', event.rerun, {
      of: ['string'],
      id: ['number', 'null'],
      name: ['string', 'null'],
      external_id: ['string', 'null'],
      app_id: ['number', 'null'],
    });
    if (event.kind !== 'rerun') problems.push(`rerun on a ${event.kind} event`);
  }
  if (event.kind === 'rerun' && event.rerun === undefined) problems.push('rerun: missing');
  return problems;
}

/** What every normalizer result must satisfy, whatever the input. */
export function expectWellFormed(result: NormalizeResult): void {
  if (result.ok) {
    expect(eventShapeProblems(result.event)).toEqual([]);
  } else {
    expect(typeof result.ignored).toBe('string');
    expect(result.ignored.length).toBeGreaterThan(0);
    expect(result.ignored.startsWith(INTERNAL_ERROR)).toBe(false);
  }
}

/** Every path to a value inside a JSON-like tree, parents before children. */
export function allPaths(value: unknown, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  const entries: [Key, unknown][] = Array.isArray(value)
    ? [...(value as unknown[]).entries()] // entries(), not map(): arrays may be sparse
    : isRecord(value)
      ? Object.entries(value)
      : [];
  for (const [key, child] of entries) {
    const path = [...prefix, key];
    out.push(path);
    allPaths(child, path, out);
  }
  return out;
}

export const DELETE = Symbol('delete');

/** Sets (or deletes) the value at `path` in place; `root` must be a copy the caller owns. */
export function setAt(root: unknown, path: Key[], value: unknown): void {
  let parent = root;
  for (const key of path.slice(0, -1)) {
    parent = Array.isArray(parent)
      ? (parent[Number(key)] as unknown)
      : isRecord(parent)
        ? parent[key]
        : undefined;
  }
  const last = path[path.length - 1];
  if (last === undefined || typeof parent !== 'object' || parent === null) return;
  if (value === DELETE) Reflect.deleteProperty(parent, last);
  else Reflect.set(parent, last, value);
}

/** A deep copy of one of `payloads` with one to four values replaced by anything, or removed. */
export function mutatedPayload(payloads: readonly unknown[]): fc.Arbitrary<unknown> {
  const replacement = fc.oneof(fc.constant<unknown>(DELETE), fc.anything());
  return fc
    .tuple(
      fc.constantFrom(...payloads),
      fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 4 }),
    )
    .map(([payload, mutations]) => {
      const copy: unknown = structuredClone(payload);
      for (const [index, value] of mutations) {
        const paths = allPaths(copy);
        const path = paths[index % Math.max(paths.length, 1)];
        if (path !== undefined) setAt(copy, path, value);
      }
      return copy;
    });
}
