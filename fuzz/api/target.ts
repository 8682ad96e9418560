/** The api target: every route of /api/v1 with mutated parameters, bodies and tokens. */
import { fileURLToPath } from 'node:url';
import { judgeHttp } from '../server/judge.js';
import type { ServerInfo } from '../server/runner.js';
import type { HttpAnswer, ServerInit } from '../server/setup.js';
import type { Target } from '../target.js';
import { generateApiCase, routesToFuzz, type ApiCase } from './generate.js';

export function apiTarget(init: ServerInit, _seed: number): Target<ApiCase> {
  return {
    name: 'api',
    runner: fileURLToPath(new URL('../server/runner.ts', import.meta.url)),
    init,
    // One server: requests one at a time, so the row counts around each are its own.
    children: 1,
    generate: (random, _index, info) => generateApiCase(random, (info as ServerInfo).routes),
    input: (testCase) => testCase.http,
    judge: (testCase, answer) => judgeHttp(testCase.expect, answer as HttpAnswer),
    caseKind: (testCase) => testCase.origin.split(', ')[0] ?? '',
    describe: (testCase) => `${testCase.http.body?.length ?? 0} B: ${testCase.origin}`,
    finding: (testCase) => ({
      input: { extension: 'body', data: testCase.http.body ?? '' },
      meta: {
        app: testCase.http.app,
        method: testCase.http.method,
        url: testCase.http.url,
        headers: testCase.http.headers,
        origin: testCase.origin,
        expect: testCase.expect,
      },
    }),
    notes(info) {
      const { unknown } = routesToFuzz((info as ServerInfo).routes);
      return unknown.length === 0
        ? []
        : [
            `fuzzed without a catalogue entry (fuzz/api/routes.ts): ${unknown.map((r) => `${r.method} ${r.path}`).join(', ')}`,
          ];
    },
  };
}
