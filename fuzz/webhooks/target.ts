/** The webhooks target: signed, mutated deliveries to /webhooks/github and /webhooks/gitlab. */
import { fileURLToPath } from 'node:url';
import { judgeHttp } from '../server/judge.js';
import type { HttpAnswer, ServerInit } from '../server/setup.js';
import type { Target } from '../target.js';
import { generateWebhookCase, type WebhookCase } from './generate.js';

export function webhooksTarget(init: ServerInit, seed: number): Target<WebhookCase> {
  return {
    name: 'webhooks',
    runner: fileURLToPath(new URL('../server/runner.ts', import.meta.url)),
    init,
    // One server: requests one at a time, so the row counts around each are its own.
    children: 1,
    generate: (random, index) => generateWebhookCase(random, index, seed),
    input: (testCase) => testCase.http,
    judge: (testCase, answer) => judgeHttp(testCase.expect, answer as HttpAnswer),
    caseKind: (testCase) => testCase.origin.split(', ')[0] ?? '',
    describe: (testCase) => `${testCase.http.body?.length ?? 0} B: ${testCase.origin}`,
    finding: (testCase) => ({
      input: { extension: 'body', data: testCase.http.body ?? '' },
      meta: {
        method: testCase.http.method,
        url: testCase.http.url,
        headers: testCase.http.headers,
        origin: testCase.origin,
        expect: testCase.expect,
      },
    }),
  };
}
