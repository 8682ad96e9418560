/**
 * The rules every payload obeys where it enters (src/events): nesting measured before parsing
 * (MAX_JSON_DEPTH), NULs and unpaired surrogates replaced by U+FFFD and counted, nothing else
 * changed; and normalizeEvent applying them for every caller (webhooks, the API, `forgeflow
 * plan/run`), refusing as impossible what no forge sends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/events/json-depth.js';
import { storableJson, storableText } from '../../src/events/storable-json.js';
import type { Forge } from '../../src/events/event.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import { setAt } from './helpers.js';
import { githubExample, gitlabFixture } from '../support/webhook-payloads.js';

const depthOf = (value: unknown): number =>
  typeof value === 'object' && value !== null
    ? 1 + Math.max(0, ...Object.values(value).map(depthOf))
    : 0;

describe('nestsDeeperThan', () => {
  it('counts objects and arrays inside one another, not brackets in strings', () => {
    expect(nestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[]}}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
    expect(nestsDeeperThan('["[[[[", "\\"[[[["]', 1)).toBe(false);
    expect(nestsDeeperThan('[1],[2],[3]', 1)).toBe(false);
  });

  it('measures a million levels without recursion', () => {
    expect(nestsDeeperThan('['.repeat(1_000_000) + ']'.repeat(1_000_000))).toBe(true);
  });

  it('agrees with the depth of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.nat(8), (value, max) => {
        expect(nestsDeeperThan(JSON.stringify(value), max)).toBe(depthOf(value) > max);
      }),
    );
  });
});

describe('storableText', () => {
  it.each([
    ['a\u0000b', 'a\ufffdb', 1],
    ['\u0000\u0000', '\ufffd\ufffd', 2],
    ['half \ud83d', 'half \ufffd', 1],
    ['\ude00 other half', '\ufffd other half', 1],
    ['\udc00\ud800', '\ufffd\ufffd', 2],
    ['whole 😀 emoji', 'whole 😀 emoji', 0],
    ['中文 é \ufffd', '中文 é \ufffd', 0],
    ['', '', 0],
  ])('%j → %j (%i replaced)', (text, fixed, substituted) => {
    expect(storableText(text)).toEqual({ text: fixed, substituted });
  });

  it('always gives text PostgreSQL takes, changing only what it must', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const fixed = storableText(text);
        expect(fixed.text).not.toContain('\u0000');
        expect(() => encodeURIComponent(fixed.text)).not.toThrow();
        expect(fixed.text.length).toBe(text.length);
        if (fixed.substituted === 0) expect(fixed.text).toBe(text);
        // Replacing is done once: a second pass finds nothing.
        expect(storableText(fixed.text).substituted).toBe(0);
      }),
    );
  });
});

describe('storableJson', () => {
  it('replaces in keys and values at any depth, and counts', () => {
    const value = { 'k\u0000': ['a\ud800', { deep: '\u0000' }], fine: 'ok', n: 1, b: null };
    expect(storableJson(value)).toEqual({
      ok: true,
      value: { 'k\ufffd': ['a\ufffd', { deep: '\ufffd' }], fine: 'ok', n: 1, b: null },
      substituted: 3,
    });
  });

  it('gives back the very same value when nothing needs replacing', () => {
    const payload = githubExample('pull_request', 'opened');
    const result = storableJson(payload);
    expect(result).toMatchObject({ ok: true, substituted: 0 });
    expect(result.ok && result.value).toBe(payload);
  });

  it('keeps a "__proto__" key a plain key, never a prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"x":"\\u0000"}') as object;
    const result = storableJson(parsed);
    expect(result.ok).toBe(true);
    const value = (result.ok ? result.value : null) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lets the later of two keys that become equal win, as JSON does with duplicates', () => {
    const result = storableJson(JSON.parse('{"a\\u0000":1,"a\\ufffd":2}'));
    expect(result.ok && result.value).toEqual({ 'a\ufffd': 2 });
  });

  it('refuses nesting past the bound, even a million levels parsed, without recursing', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    expect(storableJson(deep)).toEqual({
      ok: false,
      reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    const atBound = JSON.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)) as unknown;
    expect(storableJson(atBound).ok).toBe(true);
  });
});

describe('normalizeEvent applies the rules for every caller', () => {
  it('stores a NUL and a lone surrogate in a title as U+FFFD and says how many', () => {
    const payload = githubExample('pull_request', 'opened');
    (payload.pull_request as Record<string, unknown>).title = 'a\u0000b\ud800';
    const result = normalizeEvent('github', 'pull_request', payload);
    expect(result).toMatchObject({
      ok: true,
      substituted: 2,
      event: { pr: { title: 'a\ufffdb\ufffd' } },
    });
  });

  it('has no substituted field when nothing was replaced', () => {
    const result = normalizeEvent('gitlab', null, gitlabFixture('merge_request'));
    expect(result.ok).toBe(true);
    expect(result).not.toHaveProperty('substituted');
  });

  const deep = () => JSON.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)) as unknown;
  const payloads = {
    'GitHub pull_request': () => githubExample('pull_request', 'opened'),
    'GitHub issue_comment': () => githubExample('issue_comment', 'created'),
    'GitHub push': () => githubExample('push'),
    'GitLab merge request': () => gitlabFixture('merge_request'),
    'GitLab note': () => gitlabFixture('note_merge_request'),
    'GitLab push': () => gitlabFixture('push'),
  };
  const EVENT_NAMES: Record<keyof typeof payloads, [Forge, string]> = {
    'GitHub pull_request': ['github', 'pull_request'],
    'GitHub issue_comment': ['github', 'issue_comment'],
    'GitHub push': ['github', 'push'],
    'GitLab merge request': ['gitlab', 'Merge Request Hook'],
    'GitLab note': ['gitlab', 'Note Hook'],
    'GitLab push': ['gitlab', 'Push Hook'],
  };
  it.each([
    ['GitHub pull_request', ['pull_request', 'number'], 2 ** 31],
    ['GitHub pull_request', ['pull_request', 'number'], 2.5],
    ['GitHub issue_comment', ['issue', 'number'], 2 ** 40],
    ['GitHub push', ['repository', 'full_name'], '../../x'],
    ['GitLab merge request', ['object_attributes', 'iid'], 2 ** 31],
    ['GitLab note', ['merge_request', 'iid'], 0],
    ['GitLab push', ['project', 'path_with_namespace'], 'group/..'],
    ['GitHub push', ['deep'], deep()],
    ['GitHub pull_request', ['pull_request', 'head', 'sha'], 'ab'.repeat(3_000)],
    // The example is a tag push: its commit is head_commit's (`after` names an annotated tag's object).
    ['GitHub push', ['head_commit', 'id'], 'not-a-commit'],
    ['GitLab merge request', ['object_attributes', 'last_commit', 'id'], 'f'.repeat(41)],
  ] as const)('%s with %j = %j is impossible', (name, path, value) => {
    const payload = payloads[name]();
    setAt(payload, [...path], value);
    const [forge, eventName] = EVENT_NAMES[name];
    expect(normalizeEvent(forge, eventName, payload)).toMatchObject({
      ok: false,
      impossible: true,
    });
  });
});
