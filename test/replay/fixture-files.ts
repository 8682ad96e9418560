/**
 * The stored side of a replay case, one folder per case under test/fixtures/replay/ (its
 * README says what each file is): the config as the repository held it, the event, the graph
 * the top-level run started with, and the normalized histories of every run the case made.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredGraph } from '../../src/contracts/graph.js';
import type { Event } from '../../src/events/event.js';
import { fixturesPath } from '../support/fixtures.js';
import type { CaseConfig, ReplayCase } from './case.js';
import type { NormalizedRun } from './normalize.js';

export const REPLAY_DIR = fixturesPath('replay');

export interface StoredCase {
  config: CaseConfig;
  event: Event;
  graph: StoredGraph;
  runs: NormalizedRun[];
}

const EVENT = 'event.json';
const GRAPH = 'graph.json';
const HISTORY = 'history.json';

export function readStoredCase(replayCase: ReplayCase): StoredCase {
  const dir = join(REPLAY_DIR, replayCase.name);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const json = <T>(file: string) => JSON.parse(read(file)) as T;
  const { file } = replayCase.config;
  return {
    config: { file, text: read(file) },
    event: json<Event>(EVENT),
    graph: json<StoredGraph>(GRAPH),
    runs: json<{ runs: NormalizedRun[] }>(HISTORY).runs,
  };
}

export function writeStoredCase(replayCase: ReplayCase, stored: StoredCase): void {
  const dir = join(REPLAY_DIR, replayCase.name);
  mkdirSync(dir, { recursive: true });
  const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  write(stored.config.file, stored.config.text);
  write(EVENT, json(stored.event));
  write(GRAPH, json(stored.graph));
  write(HISTORY, json({ runs: stored.runs }));
}

/** The case folders present (a case removed from the list leaves one behind). */
export function storedCaseNames(): string[] {
  if (!existsSync(REPLAY_DIR)) return [];
  return readdirSync(REPLAY_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
