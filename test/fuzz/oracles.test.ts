/**
 * The fuzzer's judges on hand-made answers: each bad outcome is recognised, and the answers
 * a fixed server or compiler gives (a clean 4xx, diagnostics at real places, a refusal that
 * may precede authentication) are not flagged. Also: a case is the same for the same seed.
 */
import { describe, expect, it } from 'vitest';
import { generateApiCase } from '../../fuzz/api/generate.js';
import { checkDiagnostics } from '../../fuzz/configs/check-answer.js';
import { generateConfigCase } from '../../fuzz/configs/generate.js';
import { Random } from '../../fuzz/random.js';
import { judgeHttp } from '../../fuzz/server/judge.js';
import type { HttpAnswer } from '../../fuzz/server/setup.js';
import { generateWebhookCase } from '../../fuzz/webhooks/generate.js';

describe('checkDiagnostics', () => {
  const text = 'version: 1\non: push\n\njobs: {}\n';
  const at = (line: number, column: number, message = 'unknown key') => [{ line, column, message }];

  it('takes diagnostics on a line of the text, or just past its end', () => {
    expect(checkDiagnostics(text, at(2, 5))).toBeNull();
    expect(checkDiagnostics(text, at(4, 9))).toBeNull();
    expect(checkDiagnostics(text, at(3, 1))).toBeNull();
    expect(checkDiagnostics(text, at(6, 1))).toBeNull();
  });

  it('flags a line or column that is not in the text', () => {
    for (const [line, column] of [
      [0, 1],
      [1, 0],
      [8, 1],
      [3, 7],
      [1.5, 1],
      [Number.NaN, 1],
    ] as const)
      expect(checkDiagnostics(text, at(line, column))?.outcome, `${line}:${column}`).toBe(
        'diagnostic-without-line-col',
      );
    expect(checkDiagnostics(text, [{ message: 'no place at all' }])?.outcome).toBe(
      'diagnostic-without-line-col',
    );
  });

  it('flags the compiler catching its own exception', () => {
    expect(
      checkDiagnostics(text, at(1, 1, 'internal compiler error: Maximum call stack size exceeded')),
    ).toMatchObject({ outcome: 'internal-compiler-error' });
  });
});

describe('judgeHttp', () => {
  const answer = (over: Partial<HttpAnswer>): HttpAnswer => ({
    status: 400,
    contentType: 'application/problem+json; charset=utf-8',
    code: 'INVALID_BODY',
    detail: 'body: must be object',
    rowsChanged: [],
    forgeRequests: [],
    serverErrors: [],
    badDiagnostic: null,
    readBackFailure: null,
    ...over,
  });

  it('counts clean answers by status class', () => {
    expect(judgeHttp({}, answer({}))).toEqual({ outcome: '4xx' });
    expect(judgeHttp({}, answer({ status: 202, code: null, rowsChanged: ['runs'] }))).toEqual({
      outcome: '2xx',
    });
    expect(
      judgeHttp({ signed: false }, answer({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' })),
    ).toEqual({
      outcome: '4xx',
    });
  });

  it('flags a 5xx, and a 5xx when reading back what was accepted', () => {
    expect(
      judgeHttp({}, answer({ status: 500, code: 'INTERNAL', serverErrors: ['22P05'] })),
    ).toMatchObject({
      outcome: '5xx',
      detail: expect.stringContaining('22P05') as unknown,
    });
    expect(
      judgeHttp({}, answer({ status: 202, readBackFailure: 'GET /api/v1/runs/x: 500' })).outcome,
    ).toBe('5xx');
  });

  it('flags a refusal that wrote rows', () => {
    expect(judgeHttp({}, answer({ rowsChanged: ['deliveries'] })).outcome).toBe('4xx-left-rows');
  });

  it('flags a correctly signed delivery refused as unsigned', () => {
    expect(
      judgeHttp({ signed: true }, answer({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' }))
        .outcome,
    ).toBe('signed-but-401');
  });

  it('flags a write without the token that was not refused', () => {
    expect(
      judgeHttp({ writes: true, tokenValid: false }, answer({ status: 201, code: null })).outcome,
    ).toBe('write-without-token');
    expect(
      judgeHttp({ writes: true, tokenValid: false }, answer({ status: 401, code: 'AUTH_REQUIRED' }))
        .outcome,
    ).toBe('4xx');
  });

  it('flags a guarded route that validated or answered before asking for the token', () => {
    const guarded = { guardedRoute: true, tokenValid: false };
    expect(judgeHttp(guarded, answer({ code: 'INVALID_PARAMETER' })).outcome).toBe(
      'read-without-token-not-401',
    );
    expect(judgeHttp(guarded, answer({ status: 404, code: 'RUN_NOT_FOUND' })).outcome).toBe(
      'read-without-token-not-401',
    );
    expect(judgeHttp(guarded, answer({ status: 200, code: null })).outcome).toBe(
      'read-without-token-not-401',
    );
    // The body cannot be read: that may come before the token is looked at.
    expect(judgeHttp(guarded, answer({ status: 413, code: 'BODY_TOO_LARGE' })).outcome).toBe('4xx');
    expect(judgeHttp(guarded, answer({ status: 401, code: 'AUTH_REQUIRED' })).outcome).toBe('4xx');
  });

  it('flags a forge request climbing out of the repository', () => {
    expect(
      judgeHttp(
        {},
        answer({
          status: 422,
          code: 'PIPELINE_NOT_FOUND',
          forgeRequests: ['github GET /repos/octo/app/contents/..%2F..%2Fuser'],
        }),
      ).outcome,
    ).toBe('forge-path-escape');
    expect(
      judgeHttp(
        {},
        answer({
          status: 201,
          code: null,
          forgeRequests: ['github GET /repos/octo/app/contents/ci/pipeline.yaml'],
        }),
      ).outcome,
    ).toBe('2xx');
  });

  it('flags an error that is not a problem document, and diagnostics the judge of configs refuses', () => {
    expect(
      judgeHttp(
        {},
        answer({ contentType: 'application/json; charset=utf-8', code: 'FST_ERR_BAD_URL' }),
      ).outcome,
    ).toBe('not-problem-json');
    expect(
      judgeHttp(
        {},
        answer({
          status: 200,
          code: null,
          badDiagnostic: { outcome: 'internal-compiler-error', detail: 'x' },
        }),
      ).outcome,
    ).toBe('internal-compiler-error');
  });
});

describe('case generators', () => {
  it('make the same case from the same seed, target and number', () => {
    const config = (seed: number, index: number) =>
      generateConfigCase(Random.forCase(seed, 'configs', index));
    expect(config(7, 3)).toEqual(config(7, 3));
    expect(config(7, 3)).not.toEqual(config(8, 3));
    const webhook = () => generateWebhookCase(Random.forCase(7, 'webhooks', 5), 5, 7);
    expect(webhook()).toEqual(webhook());
    const api = () => generateApiCase(Random.forCase(7, 'api', 9), ['GET /api/v1/runs']);
    expect(api()).toEqual(api());
  });
});
