/**
 * A fake Testing Farm API (v0.1) for tests: `POST /v0.1/requests` with an `Authorization:
 * Bearer` API key (or the deprecated `api_key` in the body) and `GET /v0.1/requests/{id}`,
 * answering with the real request shape (state, result.overall, run.artifacts, …) over real
 * HTTP. Each read of a request moves it one step along its script (the last step stays):
 * `new`, `queued`, `running` are states; `passed`, `failed`, `skipped`, `unknown` end it
 * `complete` with that result; `error` ends it in state `error`; `canceled` cancels it.
 *
 *   const tf = new FakeTestingFarm().addToken('tf-key');
 *   tf.scriptNextRequest(['queued', 'running', 'failed']);
 *   await tf.start();  …  tf.testRequests()[0].body.environments  …  await tf.stop();
 *
 * Errors: 401 `{"message": …}` for a bad key, 422 `{"detail": [...]}` for a body without
 * test or environments, 404 for an unknown request. Faults: fake-http.ts (`failNext`, …).
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

import type { FakeRequest, Reply } from './fake-http.js';
import { FakeHttpServer, objectBody } from './fake-http.js';

export const TESTING_FARM_STEPS = [
  'new',
  'queued',
  'running',
  'passed',
  'failed',
  'skipped',
  'unknown',
  'error',
  'canceled',
] as const;
export type TestingFarmStep = (typeof TESTING_FARM_STEPS)[number];

export interface FakeTestRequest {
  id: string;
  /** The body as posted. */
  body: Record<string, unknown>;
  /** The key it was submitted with. */
  token: string;
  script: TestingFarmStep[];
  reads: number;
  step: TestingFarmStep;
  created: string;
}

export interface FakeTestingFarmOptions {
  now?: () => number;
  /** Where `run.artifacts` points; default https://artifacts.dev.testing-farm.io. */
  artifactsUrl?: string;
  /** The steps of a request nobody scripted. Default queued, running, passed. */
  defaultSteps?: TestingFarmStep[];
}

export class FakeTestingFarm extends FakeHttpServer {
  readonly artifactsUrl: string;
  private readonly now: () => number;
  private readonly defaultSteps: TestingFarmStep[];
  private readonly tokens = new Set<string>();
  private readonly submitted: FakeTestRequest[] = [];
  private readonly scripts: TestingFarmStep[][] = [];

  constructor(options: FakeTestingFarmOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    this.artifactsUrl = options.artifactsUrl ?? 'https://artifacts.dev.testing-farm.io';
    this.defaultSteps = options.defaultSteps ?? ['queued', 'running', 'passed'];
  }

  addToken(token: string): this {
    this.tokens.add(token);
    return this;
  }

  /** The steps of the next request submitted (queued: one script per request, in order). */
  scriptNextRequest(steps: TestingFarmStep[]): this {
    this.scripts.push([...steps]);
    return this;
  }

  /** Moves a request to `step` now, for good. */
  setStep(id: string, step: TestingFarmStep): this {
    const request = this.testRequest(id);
    if (request === undefined) throw new Error(`fake Testing Farm: no request ${id}`);
    request.script = [step];
    request.reads = 0;
    request.step = step;
    return this;
  }

  /** Submitted requests, in order. */
  testRequests(): FakeTestRequest[] {
    return [...this.submitted];
  }

  testRequest(id: string): FakeTestRequest | undefined {
    return this.submitted.find((r) => r.id === id);
  }

  protected override errorBody(status: number): unknown {
    return { code: status, message: STATUS_CODES[status] ?? 'Error' };
  }

  protected override route(request: FakeRequest): Reply {
    const [version, what, id, ...rest] = request.segments;
    if (version !== 'v0.1' || what !== 'requests' || rest.length > 0)
      return { status: 404, body: { detail: 'Not Found' } };
    if (id === undefined && request.method === 'POST') return this.submit(request);
    if (id !== undefined && request.method === 'GET') return this.read(id);
    return { status: 405, body: { detail: 'Method Not Allowed' } };
  }

  private submit(request: FakeRequest): Reply {
    const body = objectBody(request.body);
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof body.api_key === 'string' ? body.api_key : undefined);
    if (token === undefined || !this.tokens.has(token))
      return { status: 401, body: { code: 401, message: 'Not authorized to perform this action' } };
    const test = objectBody(body.test);
    const tree = objectBody(test.fmf ?? test.tmt);
    const problems: { loc: string[]; msg: string; type: string }[] = [];
    if (typeof tree.url !== 'string')
      problems.push({
        loc: ['body', 'test', 'fmf', 'url'],
        msg: 'field required',
        type: 'value_error.missing',
      });
    const environments = body.environments;
    if (!Array.isArray(environments) || environments.length === 0)
      problems.push({
        loc: ['body', 'environments'],
        msg: 'field required',
        type: 'value_error.missing',
      });
    else
      environments.forEach((environment, index) => {
        if (typeof objectBody(environment).arch !== 'string')
          problems.push({
            loc: ['body', 'environments', String(index), 'arch'],
            msg: 'field required',
            type: 'value_error.missing',
          });
      });
    if (problems.length > 0) return { status: 422, body: { detail: problems } };
    const script = this.scripts.shift() ?? this.defaultSteps;
    const created = new Date(this.now()).toISOString().replace('Z', '');
    const submitted: FakeTestRequest = {
      id: randomUUID(),
      body,
      token,
      script,
      reads: 0,
      step: 'new',
      created,
    };
    this.submitted.push(submitted);
    return {
      status: 200,
      body: {
        id: submitted.id,
        test: body.test,
        state: 'new',
        environments: body.environments,
        notification: body.notification ?? null,
        settings: body.settings ?? null,
        created,
        updated: created,
      },
    };
  }

  private read(id: string): Reply {
    const request = this.testRequest(id);
    if (request === undefined)
      return { status: 404, body: { code: 404, message: 'No such entity' } };
    const step = request.script[Math.min(request.reads, request.script.length - 1)] ?? 'new';
    request.reads += 1;
    request.step = step;
    return { status: 200, body: this.requestJson(request) };
  }

  private requestJson(request: FakeTestRequest): Record<string, unknown> {
    const { step } = request;
    const state = ['new', 'queued', 'running', 'error', 'canceled'].includes(step)
      ? step
      : 'complete';
    const ended = state !== 'new' && state !== 'queued' && state !== 'running';
    const overall = state === 'complete' ? step : state === 'error' ? 'error' : null;
    const test = objectBody(request.body.test);
    const tree = objectBody(test.fmf ?? test.tmt);
    const artifacts = `${this.artifactsUrl}/${request.id}`;
    return {
      id: request.id,
      user_id: '00000000-0000-4000-8000-000000000001',
      token_id: '00000000-0000-4000-8000-000000000002',
      test: {
        fmf: {
          url: tree.url ?? null,
          ref: tree.ref ?? null,
          merge_sha: tree.merge_sha ?? null,
          path: tree.path ?? '.',
          name: tree.name ?? null,
          settings: tree.settings ?? null,
          plan_filter: tree.plan_filter ?? null,
          test_name: tree.test_name ?? null,
          test_filter: tree.test_filter ?? null,
        },
        script: null,
        sti: null,
      },
      state,
      environments_requested: request.body.environments,
      notes: state === 'error' ? [{ level: 'error', message: 'Guest provisioning failed' }] : [],
      result:
        overall === null
          ? null
          : {
              summary: state === 'error' ? 'Guest provisioning failed' : null,
              overall,
              xunit_url: state === 'complete' ? `${artifacts}/results.xml` : null,
            },
      run:
        state === 'new' || state === 'queued' ? null : { console: null, stages: null, artifacts },
      settings: request.body.settings ?? null,
      user: { webpage: null },
      queued_time: state === 'new' ? null : 4.2,
      run_time: ended ? 321.5 : null,
      created: request.created,
      updated: new Date(this.now()).toISOString().replace('Z', ''),
    };
  }
}
