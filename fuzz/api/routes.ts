/**
 * What the fuzzer knows of each route of the API (src/api/routes, docs/api.md): its path
 * parameters, its query parameters with valid values and the kind of odd value each takes,
 * and how to make a valid body. Routes of the server's OpenAPI document missing here are
 * still fuzzed, generically (the report names them).
 */
import { configsGeneratorText } from './pipelines.js';
import { githubExample } from '../../test/support/webhook-payloads.js';
import type { Random } from '../random.js';
import { REPO, REPO_PIPELINE } from '../server/setup.js';
import { PATH_CLIMBS } from './values.js';

export type ValueKind = 'number' | 'string' | 'date' | 'boolean';

export interface QueryParam {
  kind: ValueKind;
  valid: readonly string[];
}

export interface RouteSpec {
  method: 'GET' | 'POST';
  /** As the OpenAPI document writes it: `/api/v1/runs/{id}`. */
  path: string;
  query?: Record<string, QueryParam>;
  /** A valid body. */
  body?(random: Random): unknown;
}

const num = (...valid: string[]): QueryParam => ({ kind: 'number', valid });
const str = (...valid: string[]): QueryParam => ({ kind: 'string', valid });

function startBody(random: Random): unknown {
  switch (random.int(7)) {
    case 0:
      return { pipeline: REPO_PIPELINE, idempotency_key: `k${random.int(50)}` };
    case 1:
      return { repo: REPO, ref: 'main', forge: random.pick(['github', 'gitlab']) };
    case 2:
      return {
        repo: random.chance(0.5) ? REPO : random.pick(PATH_CLIMBS),
        ref: 'main',
        file: random.pick(PATH_CLIMBS),
        forge: random.pick(['github', 'gitlab']),
      };
    case 3:
      return { pipeline: REPO_PIPELINE, event: githubExample('push'), event_type: 'push' };
    case 4:
      return { pipeline: REPO_PIPELINE, sha: 'abcdef1', repo: REPO };
    default:
      return { pipeline: configsGeneratorText(random) };
  }
}

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/v1/runs',
    query: {
      repo: str(REPO, 'local%2Fmanual'),
      pipeline: str('pipeline', 'forgeflow.plan'),
      status: str('queued', 'running', 'canceled'),
      trigger: str('manual', 'push'),
      sha: str('c0ffee0', 'C0FFEE00'),
      id_prefix: str('c0ff', 'C0FFEE00-', 'c0ffee00-0000-4', 'c0ffee000000'),
      pr: num('1', '2'),
      since: { kind: 'date', valid: ['2020-01-01T00:00:00Z'] },
      children: { kind: 'boolean', valid: ['true', 'false'] },
      limit: num('1', '200'),
      cursor: str('eyJhdCI6IjIwMjYifQ'),
    },
  },
  { method: 'GET', path: '/api/v1/runs/{id}' },
  {
    method: 'GET',
    path: '/api/v1/runs/{id}/history',
    query: { after: num('0', '3'), limit: num('1', '1000') },
  },
  { method: 'GET', path: '/api/v1/runs/{id}/graph', query: { format: str('json', 'mermaid') } },
  { method: 'POST', path: '/api/v1/runs', body: startBody },
  {
    method: 'POST',
    path: '/api/v1/runs/{id}/cancel',
    body: (random) => random.pick([{ reason: 'fuzz' }, {}, null]),
  },
  { method: 'POST', path: '/api/v1/runs/{id}/retry' },
  {
    method: 'POST',
    path: '/api/v1/runs/{id}/signals/{name}',
    body: (random) => random.pick([{ payload: { ok: true } }, {}, { payload: 'x' }, null]),
  },
  {
    method: 'GET',
    path: '/api/v1/deliveries',
    query: { limit: num('1', '200'), cursor: str('eyJhdCI6IjIwMjYifQ') },
  },
  { method: 'GET', path: '/api/v1/deliveries/{id}' },
  {
    method: 'POST',
    path: '/api/v1/validate',
    body(random) {
      const pipeline = random.chance(0.3) ? REPO_PIPELINE : configsGeneratorText(random);
      return random.chance(0.8) ? { pipeline } : { pipeline, file: 'ci/pipeline.yaml' };
    },
  },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/metrics' },
];

export const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
