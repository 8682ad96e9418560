/**
 * `npm run fuzz -- --minimize fuzz-findings/<target>/<outcome>/<seed>-<index>.json`: shrinks a
 * kept finding to a small input that still fails the same way (the same outcome, and for a
 * 5xx the same database error code), in the same kind of sandbox, and writes it beside the
 * finding as `<seed>-<index>.min.<ext>`. Configs shrink as text; webhook and API bodies as
 * JSON (keys and items dropped, long strings cut) when they parse, else as bytes. A signed
 * delivery is signed again after each cut.
 */
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verdictOf, type Limits } from '../campaign.js';
import type { ConfigAnswer } from '../configs/runner.js';
import type { Verdict } from '../outcomes.js';
import { Sandbox } from '../sandbox/sandbox.js';
import { serverDatabase } from '../server/database.js';
import { judgeHttp, type Expectations } from '../server/judge.js';
import { WEBHOOK_SECRET, type HttpAnswer, type HttpCase } from '../server/setup.js';
import type { Target } from '../target.js';
import { shrinkJson } from './shrink-json.js';
import { shrinkText } from './shrink-text.js';

interface Meta {
  target: 'configs' | 'webhooks' | 'api';
  outcome: string;
  detail: string | null;
  front_end?: 'pipeline' | 'packit';
  file?: string;
  event?: number;
  app?: HttpCase['app'];
  method?: HttpCase['method'];
  url?: string;
  headers?: Record<string, string>;
  expect?: Expectations;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The database error code of a 5xx (`22P05`), so shrinking does not drift to another bug. */
const errorCode = (detail: string | null | undefined) =>
  /\b(2[0-9A-Z]{4}|[A-Z]{2}\d{3})\b/.exec(detail ?? '')?.[1] ?? null;

function inputFile(metaPath: string): string {
  const dir = dirname(metaPath);
  const stem = basename(metaPath, '.json');
  const file = readdirSync(dir).find(
    (f) => f.startsWith(`${stem}.`) && f !== `${stem}.json` && !f.includes('.min.'),
  );
  if (!file) throw new Error(`no input file beside ${metaPath}`);
  return join(dir, file);
}

export async function minimizeFinding(
  metaPath: string,
  limits: Limits,
  databaseUrl: string | null,
): Promise<string> {
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
  const input = inputFile(metaPath);
  const raw = readFileSync(input);
  const http = meta.target !== 'configs';
  const database = http ? await serverDatabase(databaseUrl) : null;
  const runner = join(ROOT, http ? 'server/runner.ts' : 'configs/runner.ts');
  const sandbox = new Sandbox({ runner, init: database?.init ?? null, ...limits });
  const judge: Target['judge'] = http
    ? (_c, answer) => judgeHttp(meta.expect ?? {}, answer as HttpAnswer)
    : (_c, answer) => (answer as ConfigAnswer).verdict;
  const same = (verdict: Verdict) =>
    verdict.outcome === meta.outcome &&
    (meta.outcome !== '5xx' || errorCode(verdict.detail) === errorCode(meta.detail));
  let attempts = 0;
  const fails = async (body: Buffer): Promise<boolean> => {
    attempts++;
    const testCase = http
      ? httpCase(meta, body, attempts)
      : {
          kind: meta.front_end,
          file: meta.file,
          text: body.toString('utf8'),
          event: meta.event,
          origin: 'minimize',
        };
    const run = await sandbox.run(testCase);
    return same(verdictOf({ judge } as Target, testCase, { ...run, lateDeaths: [] }));
  };
  try {
    if (!(await fails(raw)))
      throw new Error(`${input} no longer fails as ${meta.outcome}: nothing to minimize`);
    let smallest: Buffer;
    const text = raw.toString('utf8');
    const parsed = http ? parseRoundTrip(text) : undefined;
    if (parsed !== undefined && Buffer.from(text, 'utf8').equals(raw))
      smallest = Buffer.from(
        JSON.stringify(await shrinkJson(parsed, (t) => fails(Buffer.from(t, 'utf8')))),
        'utf8',
      );
    else if (!http || Buffer.from(text, 'utf8').equals(raw))
      smallest = Buffer.from(await shrinkText(text, (t) => fails(Buffer.from(t, 'utf8'))), 'utf8');
    else
      smallest = Buffer.from(
        await shrinkText(raw.toString('latin1'), (t) => fails(Buffer.from(t, 'latin1'))),
        'latin1',
      );
    const out = input.replace(/(\.[^./]+(\.yaml)?)$/, '.min$1');
    writeFileSync(out, smallest);
    return `${out}: ${raw.length} → ${smallest.length} bytes in ${attempts} attempts\n${smallest.toString('utf8').slice(0, 2_000)}`;
  } finally {
    await sandbox.stop();
    database?.close();
  }
}

function parseRoundTrip(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return JSON.stringify(value) === text ? value : undefined;
  } catch {
    return undefined;
  }
}

function httpCase(meta: Meta, body: Buffer, attempt: number): HttpCase {
  const headers = { ...(meta.headers ?? {}) };
  // A delivery id of the campaign's own: each attempt a new one, or an attempt that was
  // accepted would make the next ones redeliveries (answered 2xx, nothing stored).
  for (const name of ['x-github-delivery', 'idempotency-key', 'x-gitlab-event-uuid'])
    if (/^fuzz-\d+-\d+$/.test(headers[name] ?? ''))
      headers[name] = `${headers[name]}-min-${attempt}`;
  if (meta.url === '/webhooks/github' && meta.expect?.signed)
    headers['x-hub-signature-256'] =
      `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  return {
    app: meta.app ?? 'open',
    method: meta.method ?? 'POST',
    url: meta.url ?? '/',
    headers,
    ...(meta.method === 'GET' ? {} : { body }),
    readBack: meta.url?.startsWith('/webhooks/') ?? false,
  };
}
