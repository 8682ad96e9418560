/**
 * Manual inputs through the API, end to end: POST /api/v1/runs with `inputs` starts a run whose
 * exec step reads `${{ inputs.NAME }}` through `env:` (never through the script), a boolean
 * input decides an `if:`, and the run's detail shows the typed values used; values that do not
 * fit are refused with 422 INVALID_INPUTS listing each; POST /api/v1/validate answers the
 * declared inputs (the page's form is made of them). `forgeflow runs start --input`, the built
 * command in its own process, does the same against this server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgeflowProcess } from '../support/cli.js';
import { testHandlers } from '../support/runtime.js';
import { TOKEN, useApi } from './support.js';

const api = useApi({ handlers: testHandlers() });
const dir = mkdtempSync(join(tmpdir(), 'forgeflow-inputs-'));
let server = '';
beforeAll(async () => {
  server = await api.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEPLOY = `version: 1
name: deploy
on:
  push: {}
  manual:
    inputs:
      target:
        type: choice
        options: [staging, production]
        default: staging
        description: Where to deploy
      debug: { type: boolean }
      replicas: { type: number, default: 2 }
      note: { required: true, description: Why }
jobs:
  deploy:
    uses: exec
    with:
      shell: 'printf "%s|%s|%s|%s" "$TARGET" "$DEBUG" "$REPLICAS" "$NOTE"'
      env:
        TARGET: \${{ inputs.target }}
        DEBUG: \${{ inputs.debug }}
        REPLICAS: \${{ inputs.replicas }}
        NOTE: \${{ inputs.note }}
  typed:
    uses: test.script
    with: { echo: { replicas: "\${{ inputs.replicas }}", many: "\${{ inputs.replicas > 2 }}", verbose: "\${{ inputs.debug && 'yes' || 'no' }}" } }
  verbose:
    if: \${{ inputs.debug }}
    uses: test.script
    with: { echo: verbose }
`;

interface Detail {
  status: string;
  inputs: Record<string, unknown> | null;
  event: { inputs?: Record<string, unknown> };
  node_list: { id: string; status: string; output: unknown }[];
}

async function startAndFinish(inputs: Record<string, unknown>): Promise<Detail> {
  const started = await api.post('/api/v1/runs', { pipeline: DEPLOY, repo: 'octo/app', inputs });
  expect(started.statusCode, started.body).toBe(201);
  const id = started.json<{ run_id: string }>().run_id;
  expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
  return (await api.get(`/api/v1/runs/${id}`)).json<Detail>();
}

const output = (detail: Detail, node: string) => detail.node_list.find((n) => n.id === node);

describe('a manual run with inputs', () => {
  it('hands typed values to its steps, through env: to exec, and shows them on the run', async () => {
    const detail = await startAndFinish({ target: 'production', debug: 'true', note: 'hotfix' });
    expect(detail.inputs).toEqual({
      target: 'production',
      debug: true,
      replicas: 2,
      note: 'hotfix',
    });
    // What was given is kept with the run's event, as given.
    expect(detail.event.inputs).toEqual({ target: 'production', debug: 'true', note: 'hotfix' });
    expect(output(detail, 'deploy')?.output).toMatchObject({
      exit_code: 0,
      stdout: 'production|true|2|hotfix',
    });
    expect(output(detail, 'typed')?.output).toEqual({ replicas: 2, many: false, verbose: 'yes' });
    expect(output(detail, 'verbose')?.status).toBe('succeeded');
  });

  it('skips what a false boolean input turns off', async () => {
    const detail = await startAndFinish({ debug: false, replicas: 5, note: "it's; $(rm -rf /)" });
    expect(output(detail, 'deploy')?.output).toMatchObject({
      stdout: "staging|false|5|it's; $(rm -rf /)",
    });
    expect(output(detail, 'typed')?.output).toEqual({ replicas: 5, many: true, verbose: 'no' });
    expect(output(detail, 'verbose')?.status).toBe('skipped');
  });

  it('refuses values that do not fit, every problem at once, and starts nothing', async () => {
    const before = (await api.get('/api/v1/runs?pipeline=deploy')).json<{ runs: unknown[] }>();
    const response = await api.post('/api/v1/runs', {
      pipeline: DEPLOY,
      inputs: { target: 'producton', replicas: 'many', colour: 'red' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'INVALID_INPUTS',
      errors: [
        {
          input: 'colour',
          message: 'no input "colour" is declared; declared: target, debug, replicas, note',
        },
        {
          input: 'target',
          message:
            '"target" must be one of "staging", "production"; got "producton"; did you mean "production"?',
        },
        { input: 'replicas', message: '"replicas" must be a number; got "many"' },
        { input: 'note', message: '"note" is required' },
      ],
    });
    const after = (await api.get('/api/v1/runs?pipeline=deploy')).json<{ runs: unknown[] }>();
    expect(after.runs).toHaveLength(before.runs.length);
  });

  it('stores what it cannot store as given as U+FFFD (the body parser), never a 500', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/runs',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: `{"pipeline": ${JSON.stringify(DEPLOY)}, "inputs": {"note": "a\\ud800\\u0000b"}}`,
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const detail = (await api.get(`/api/v1/runs/${id}`)).json<Detail>();
    expect(detail.inputs?.note).toBe('a\ufffd\ufffdb');
  });

  it('refuses inputs given with a webhook event, and values of the wrong JSON shape', async () => {
    const withEvent = await api.post('/api/v1/runs', {
      pipeline: DEPLOY,
      event: { ref: 'refs/heads/main' },
      event_type: 'push',
      inputs: { note: 'x' },
    });
    expect(withEvent.statusCode).toBe(400);
    expect(withEvent.json()).toMatchObject({ code: 'INVALID_BODY' });
    const nested = await api.post('/api/v1/runs', { pipeline: DEPLOY, inputs: { note: ['x'] } });
    expect(nested.statusCode).toBe(400);
    expect(nested.json()).toMatchObject({ code: 'INVALID_BODY' });
  });

  it('answers the declared inputs with the diagnostics', async () => {
    const response = await api.post('/api/v1/validate', { pipeline: DEPLOY });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      valid: true,
      inputs: [
        {
          name: 'target',
          type: 'choice',
          required: false,
          default: 'staging',
          options: ['staging', 'production'],
          description: 'Where to deploy',
        },
        { name: 'debug', type: 'boolean', default: null, options: null },
        { name: 'replicas', type: 'number', default: 2 },
        { name: 'note', type: 'string', required: true, description: 'Why' },
      ],
    });
  });
});

const forgeflow = (args: string[]) =>
  forgeflowProcess(args, { ...process.env, FORGEFLOW_API_TOKEN: TOKEN });

describe('forgeflow runs start --input', () => {
  it('starts the run with the inputs given as text', async () => {
    const file = join(dir, 'deploy.yaml');
    writeFileSync(file, DEPLOY);
    const args = ['runs', 'start', file, '--server', server];
    const { code, stdout, stderr } = await forgeflow([
      ...args,
      '--input',
      'target=production',
      '--input',
      'replicas=3',
      '--input',
      'note=from the cli',
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const id = (JSON.parse(stdout) as { run_id: string }).run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const detail = (await api.get(`/api/v1/runs/${id}`)).json<Detail>();
    expect(detail.inputs).toEqual({
      target: 'production',
      debug: false,
      replicas: 3,
      note: 'from the cli',
    });
  }, 30_000);

  it('prints each problem of inputs that do not fit and exits 1', async () => {
    const file = join(dir, 'deploy.yaml');
    writeFileSync(file, DEPLOY);
    const { code, stdout, stderr } = await forgeflow([
      'runs',
      'start',
      file,
      '--server',
      server,
      '--input',
      'debug=maybe',
    ]);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `forgeflow runs start: the inputs do not fit ${file}: the server started nothing (INVALID_INPUTS)\n` +
        '  input "debug": "debug" must be true or false; got "maybe"\n' +
        '  input "note": "note" is required\n',
    );
    expect(code).toBe(1);
  }, 30_000);

  it('refuses --input without NAME= before any request (exit 2)', async () => {
    const { code, stderr } = await forgeflow(['runs', 'start', 'x.yaml', '--input', 'debug']);
    expect(stderr).toContain('--input debug: write NAME=VALUE');
    expect(code).toBe(2);
  }, 30_000);
});
