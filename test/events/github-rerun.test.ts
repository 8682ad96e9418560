/**
 * GitHub's Re-run button (issue 17 item 7): `check_run` and `check_suite` `rerequested` become
 * a `rerun` event naming the check and its App; their other actions (created, completed,
 * requested, requested_action) are ignored with a reason. Against every check_run and
 * check_suite example in @octokit/webhooks-examples, plus hostile variants. Expectations are read
 * from each payload here, independently of the code under test.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event, NormalizeResult } from '../../src/events/event.js';
import { guessGitHubEvent } from '../../src/forges/github/detect.js';
import { normalizeGitHub } from '../../src/forges/github/normalize.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import { expectWellFormed, mutatedPayload } from './helpers.js';

const definitions = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('@octokit/webhooks-examples/api.github.com/index.json'),
    'utf8',
  ),
) as WebhookDefinition[];

type Payload = Record<string, unknown> & { action?: string };

function examplesOf(name: 'check_run' | 'check_suite'): Payload[] {
  return (definitions.find((d) => d.name === name)?.examples ?? []) as Payload[];
}

const checkRuns = examplesOf('check_run');
const checkSuites = examplesOf('check_suite');
const rerequested = (list: Payload[]) => list.filter((p) => p.action === 'rerequested');
const other = (list: Payload[]) => list.filter((p) => p.action !== 'rerequested');

function accepted(result: NormalizeResult): Event {
  if (!result.ok) throw new Error(`expected an event, got ignored: ${result.ignored}`);
  expectWellFormed(result);
  return result.event;
}

function ignored(result: NormalizeResult): string {
  if (result.ok) throw new Error(`expected ignored, got a ${result.event.kind} event`);
  expectWellFormed(result);
  return result.ignored;
}

/** A path into an example, read without trusting its type (the test's own reading). */
function read(p: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], p);
}

describe('the examples', () => {
  it('hold Re-runs of check runs and suites, and their other actions', () => {
    expect(rerequested(checkRuns).length).toBeGreaterThanOrEqual(1);
    expect(rerequested(checkSuites).length).toBeGreaterThanOrEqual(1);
    expect(new Set(other(checkRuns).map((p) => p.action))).toEqual(
      new Set(['created', 'completed', 'requested_action']),
    );
    expect(new Set(other(checkSuites).map((p) => p.action))).toEqual(
      new Set(['completed', 'requested']),
    );
  });
});

describe('check_run rerequested', () => {
  it.each(rerequested(checkRuns).map((p, i) => [i, p] as const))(
    'example %i is a rerun of that check run, on its commit, by its sender',
    (_i, p) => {
      const event = accepted(normalizeGitHub('check_run', p));
      expect(event).toMatchObject({
        forge: 'github',
        kind: 'rerun',
        action: 'rerequested',
        sha: read(p, 'check_run', 'head_sha'),
        repo: { full_name: read(p, 'repository', 'full_name') },
        sender: { login: read(p, 'sender', 'login') },
        pr: null,
        comment: null,
        rerun: {
          of: 'check_run',
          id: read(p, 'check_run', 'id'),
          name: read(p, 'check_run', 'name'),
          // The examples' external_id is "": none.
          external_id: null,
          app_id: read(p, 'check_run', 'app', 'id'),
        },
      });
    },
  );

  it('carries the external_id forgeflow set', () => {
    const p = structuredClone(rerequested(checkRuns)[0]!);
    (p.check_run as Record<string, unknown>).external_id = '0b8e3b52-0d4c-4a43-9f0e-5d2c2f0c1a11';
    expect(accepted(normalizeGitHub('check_run', p)).rerun?.external_id).toBe(
      '0b8e3b52-0d4c-4a43-9f0e-5d2c2f0c1a11',
    );
  });

  it('is recognized in a payload file without headers', () => {
    expect(guessGitHubEvent(rerequested(checkRuns)[0]!)).toBe('check_run');
    expect(guessGitHubEvent(rerequested(checkSuites)[0]!)).toBe('check_suite');
  });
});

describe('check_suite rerequested', () => {
  it.each(rerequested(checkSuites).map((p, i) => [i, p] as const))(
    'example %i is a rerun of the suite at its head commit',
    (_i, p) => {
      expect(accepted(normalizeGitHub('check_suite', p))).toMatchObject({
        kind: 'rerun',
        action: 'rerequested',
        sha: read(p, 'check_suite', 'head_sha'),
        branch: null,
        rerun: {
          of: 'check_suite',
          id: read(p, 'check_suite', 'id'),
          name: null,
          external_id: null,
          app_id: read(p, 'check_suite', 'app', 'id'),
        },
      });
    },
  );
});

describe('the other actions', () => {
  const cases = [
    ...other(checkRuns).map((p) => ['check_run', p] as const),
    ...other(checkSuites).map((p) => ['check_suite', p] as const),
  ];
  it.each(cases.map(([name, p], i) => [name, p.action, i, p] as const))(
    '%s %s (example %i) is ignored, saying why',
    (name, action, _i, p) => {
      const reason = ignored(normalizeGitHub(name, p));
      expect(reason).toContain(`${name} action "${action}"`);
      expect(reason).toMatch(
        action === 'requested_action' ? /offer no actions/ : /only on "rerequested"/,
      );
    },
  );
});

describe('hostile Re-runs', () => {
  const run = rerequested(checkRuns)[0]!;
  const suite = rerequested(checkSuites)[0]!;
  const withRun = (fields: Record<string, unknown>) => ({
    ...run,
    check_run: { ...(run.check_run as object), ...fields },
  });

  it.each([
    ['no check_run', 'check_run', { ...run, check_run: null }, /check_run should be an object/],
    ['no head_sha', 'check_run', withRun({ head_sha: undefined }), /head_sha should be a string/],
    ['a numeric name', 'check_run', withRun({ name: 5 }), /check_run\.name should be a string/],
    ['no check_suite', 'check_suite', { ...suite, check_suite: 'x' }, /check_suite should be/],
  ] as const)('%s → ignored, saying what is wrong', (_label, name, payload, reason) => {
    expect(ignored(normalizeGitHub(name, payload))).toMatch(reason);
  });

  it('refuses a head_sha no commit can have (4xx, recorded nowhere)', () => {
    const result = normalizeEvent('github', 'check_run', withRun({ head_sha: "'; DROP TABLE" }));
    expect(result).toMatchObject({ ok: false, impossible: true });
  });

  it('degrades a wrongly typed app, id or external_id to null', () => {
    const event = accepted(
      normalizeGitHub('check_run', withRun({ app: 'forgeflow', id: '4', external_id: 7 })),
    );
    expect(event.rerun).toMatchObject({ app_id: null, id: null, external_id: null });
  });

  it('keeps a reason short whatever the action says', () => {
    const reason = ignored(normalizeGitHub('check_suite', { ...suite, action: 'x'.repeat(1e6) }));
    expect(reason.length).toBeLessThan(200);
  });

  it('never throws on mutated real payloads', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('check_run', 'check_suite'),
        mutatedPayload([...checkRuns, ...checkSuites]),
        (name, p) => expectWellFormed(normalizeGitHub(name, p)),
      ),
      { numRuns: 500 },
    );
  });
});
