/**
 * The events replay cases start with: a manual start for the control features, and the real
 * GitHub payloads of examples/events/ (from @octokit/webhooks-examples) for the front-ends.
 */
import { readFileSync } from 'node:fs';
import type { Event } from '../../../src/events/event.js';
import { manualEvent, normalizeEvent } from '../../../src/forges/normalize.js';
import { pipeline } from '../../support/runtime.js';
import type { CaseConfig } from '../case.js';

export const REPO = 'octo/app';
export const SHA = 'c0ffee'.padEnd(40, '0');

export function manualStart(): Event {
  return manualEvent({ repo: REPO, sha: SHA, ref: 'main', sender: 'octocat' });
}

/** `examples/events/github-<name>.json`, normalized as the webhook intake does. */
export function githubExampleEvent(eventName: string, name: string): Event {
  const url = new URL(`../../../examples/events/github-${name}.json`, import.meta.url);
  const result = normalizeEvent('github', eventName, JSON.parse(readFileSync(url, 'utf8')));
  if (!result.ok) throw new Error(`examples/events/github-${name}.json: ${result.ignored}`);
  return result.event;
}

/** A pipeline.yaml of a control case (test/support/runtime.ts `pipeline`: manual or push). */
export function pipelineYaml(jobs: string, top = ''): CaseConfig {
  return { file: 'pipeline.yaml', text: pipeline(jobs, top) };
}
