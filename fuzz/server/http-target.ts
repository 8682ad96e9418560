/**
 * What the webhooks and api targets share: one server child fed one request at a time, each
 * judged by its expectations, a finding kept as the body with the request's details beside it.
 */
import { fileURLToPath } from 'node:url';
import type { Target, TargetName } from '../target.js';
import { judgeHttp, type Expectations } from './judge.js';
import type { HttpAnswer, HttpCase, ServerInit } from './setup.js';

export interface HttpFuzzCase {
  http: HttpCase;
  expect: Expectations;
  origin: string;
}

export function httpTarget<C extends HttpFuzzCase>(
  name: TargetName,
  init: ServerInit,
  generate: Target<C>['generate'],
): Target<C> {
  return {
    name,
    runner: fileURLToPath(new URL('./runner.ts', import.meta.url)),
    init,
    // One server: requests one at a time, so the row counts around each are its own.
    children: 1,
    generate,
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
  };
}
