/**
 * One API case: a route (a known one, one of the server's OpenAPI document the fuzzer has no
 * catalogue entry for, or none at all), the server whose reads are open or need the token, an
 * Authorization header right, wrong, malformed or missing, path parameters seeded or odd,
 * query parameters valid then mutated, and a body valid then mutated (or not JSON at all).
 */
import { JsonBody } from '../json-mutations.js';
import type { Random } from '../random.js';
import type { Expectations } from '../server/judge.js';
import { API_TOKEN, type HttpCase } from '../server/setup.js';
import { routeKey, ROUTES, type QueryParam, type RouteSpec } from './routes.js';
import { ODD_DATES, ODD_NUMBERS, ODD_STRINGS, oddId, uuidFrom } from './values.js';

export interface ApiCase {
  http: HttpCase;
  expect: Expectations;
  origin: string;
}

const RAW_BODIES = [
  '',
  'not json',
  '{',
  '[]',
  'null',
  '"x"',
  '{"a":',
  '\u0000',
  '{}'.repeat(10_000),
] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/problem+json',
] as const;

function authorization(random: Random, headers: Record<string, string>, steps: string[]): boolean {
  const roll = random.int(100);
  if (roll < 55) {
    headers.authorization = `Bearer ${API_TOKEN}`;
    return true;
  }
  if (roll < 80) {
    steps.push('no token');
    return false;
  }
  headers.authorization = random.pick([
    'Bearer',
    'Bearer ',
    'Basic Zm9vOmJhcg==',
    `Bearer ${API_TOKEN}x`,
    `Bearer ${API_TOKEN.slice(0, -1)}`,
    API_TOKEN,
    `Bearer ${'x'.repeat(5_000)}`,
    'Bearer %00',
    'Bearer wrong-token',
  ]);
  steps.push(`authorization ${headers.authorization.slice(0, 30)}`);
  return false;
}

function pathValue(random: Random, name: string, steps: string[], odd: { used: boolean }): string {
  const seeded = name === 'name' ? random.pick(['go', 'approve', 'x.y:z-1']) : '';
  const valid =
    name === 'id'
      ? random.pick(['{queued}', '{queued}', '{finished}', '{delivery}', uuidFrom(random)])
      : seeded || '{queued}';
  if (random.chance(0.65)) return valid;
  steps.push(`odd ${name}`);
  odd.used = true;
  if (name === 'name')
    return random.pick(['a%20b', '%00', 'x'.repeat(300), '..', '%ED%A0%80', '%2F', '']);
  return oddId(random, valid.startsWith('{') ? uuidFrom(random) : valid);
}

function oddQueryValue(random: Random, param: QueryParam | undefined): string {
  if (param?.kind === 'number') return random.pick(ODD_NUMBERS);
  if (param?.kind === 'date') return random.pick(ODD_DATES);
  return random.pick([...ODD_STRINGS, ...ODD_NUMBERS]);
}

function queryString(
  random: Random,
  spec: Record<string, QueryParam> | undefined,
  steps: string[],
): string {
  const names = Object.keys(spec ?? {});
  const pairs: [string, string][] = [];
  for (let n = random.int(Math.min(3, names.length) + 1); n > 0; n--) {
    const name = random.pick(names);
    pairs.push([name, encodeURIComponent(random.pick(spec![name]!.valid))]);
  }
  if (random.chance(0.5))
    for (let n = random.between(1, 2); n > 0; n--) {
      const what = random.int(5);
      if (what <= 1 && names.length > 0) {
        const name = random.pick(names);
        const value = oddQueryValue(random, spec![name]);
        pairs.push([name, value]);
        steps.push(`${name}=${value.slice(0, 30)}`);
      } else if (what === 2 && pairs.length > 0) {
        pairs.push([...random.pick(pairs)]);
        steps.push('a parameter twice');
      } else if (what === 3) {
        const name = random.pick(['unknown', '%00', 'limit[]', '__proto__', 'x'.repeat(500)]);
        pairs.push([name, oddQueryValue(random, undefined)]);
        steps.push(`parameter ${name.slice(0, 20)}`);
      } else {
        const name = names.length > 0 ? random.pick(names) : 'x';
        pairs.push([name, '']);
        steps.push(`${name} without a value`);
      }
    }
  if (pairs.length === 0) return '';
  return `?${pairs.map(([k, v]) => (v === '' && random.chance(0.5) ? k : `${k}=${v}`)).join('&')}`;
}

function body(
  random: Random,
  route: RouteSpec | null,
  steps: string[],
): { bytes: Buffer; type: string | null } {
  if (random.chance(0.08)) {
    const raw = random.pick(RAW_BODIES);
    steps.push(`raw body ${JSON.stringify(raw.slice(0, 12))}`);
    return { bytes: Buffer.from(raw), type: random.pick([...CONTENT_TYPES, null]) };
  }
  const json = new JsonBody(route?.body?.(random) ?? (random.chance(0.5) ? {} : { payload: 1 }));
  if (random.chance(0.6)) for (let n = random.between(1, 3); n > 0; n--) json.mutate(random);
  steps.push(...json.steps);
  const type = random.chance(0.9) ? 'application/json' : random.pick([...CONTENT_TYPES, null]);
  if (type !== 'application/json') steps.push(`content-type ${type ?? 'missing'}`);
  return { bytes: json.bytes(random, 0.05), type };
}

/** The known routes, then those of the OpenAPI document the catalogue lacks. */
export function routesToFuzz(openApiRoutes: readonly string[]): {
  known: RouteSpec[];
  unknown: RouteSpec[];
} {
  const known = new Set(ROUTES.map(routeKey));
  // The webhook routes are the webhooks target's.
  const unknown = openApiRoutes
    .filter((r) => !known.has(r) && !r.includes(' /webhooks/'))
    .map((r) => {
      const [method, path] = r.split(' ');
      return { method: method as RouteSpec['method'], path: path! };
    });
  return { known: [...ROUTES], unknown };
}

export function generateApiCase(random: Random, openApiRoutes: readonly string[]): ApiCase {
  const { known, unknown } = routesToFuzz(openApiRoutes);
  const steps: string[] = [];
  const roll = random.int(100);
  let route: RouteSpec | null =
    roll < 85 || unknown.length === 0 ? random.pick(known) : random.pick(unknown);
  let method: HttpCase['method'] = route.method;
  let template = route.path;
  if (roll >= 96) {
    // No such route: another method on a known path, or a path nobody serves.
    if (random.chance(0.5)) {
      method = random.pick(['PUT', 'DELETE', 'PATCH', route.method === 'GET' ? 'POST' : 'GET']);
      steps.push(`method ${method}`);
    } else {
      template = random.pick([
        '/api/v1/nope',
        '/api/v2/runs',
        '/api/v1/runs/{id}/nope',
        '/api/v1//runs',
        '/api/v1/runs/',
      ]);
      steps.push(`path ${template}`);
    }
    route = null;
  }
  const headers: Record<string, string> = {};
  const tokenValid = authorization(random, headers, steps);
  const odd = { used: false };
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    pathValue(random, name, steps, odd),
  );
  const url = path + queryString(random, route?.query, steps);
  const app: HttpCase['app'] = random.chance(0.2) ? 'guarded' : 'open';
  const http: HttpCase = { app, method, url, headers };
  if (method !== 'GET') {
    const sent = body(random, route, steps);
    http.body = sent.bytes;
    if (sent.type !== null) headers['content-type'] = sent.type;
  }
  const onApi = template.startsWith('/api/v1/');
  return {
    http,
    expect: {
      tokenValid,
      writes: onApi && method !== 'GET' && template !== '/api/v1/validate',
      guardedRoute: app === 'guarded' && onApi && route !== null && !odd.used,
    },
    origin: [`${app} ${method} ${template}`, ...steps].join(', '),
  };
}
