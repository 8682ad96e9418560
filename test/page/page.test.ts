/**
 * The web page in a real browser (Debian's chromium driven by playwright-core): the server
 * listens on a loopback port with a worker, a run with a matrix, a succeeding and a failing
 * node finishes; the page lists it with its state, draws its graph with each node's state,
 * shows a node's attempts and error, and a click on Retry (the token typed into the page's
 * dialog) re-runs the failed node until the run succeeds. A run whose node is retried and then
 * polls in a child run: the timeline's bar covers the node's whole life, and the run and its
 * child link to each other. Screenshots go to test-artifacts/.
 * Without chromium the test fails under CI and is skipped (loudly) elsewhere.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApi, TOKEN } from '../api/support.js';
import { CHROMIUM, chromiumPresent, launchChromium } from '../support/chromium.js';
import { testHandlers } from '../support/runtime.js';

const ARTIFACTS = 'test-artifacts';
const present = chromiumPresent;
const ci = process.env.CI === 'true';
const backend = process.env.FORGEFLOW_TEST_DB ?? 'pglite';
/** pglite's picture is the one the README means; the postgres project's sits beside it. */
const shot = (name: string) =>
  join(ARTIFACTS, backend === 'pglite' ? `${name}.png` : `${name}-${backend}.png`);

if (!present && !ci)
  process.stderr.write(
    `\n*** forgeflow page test SKIPPED: no chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it) ***\n\n`,
  );

const PIPELINE = `version: 1
name: page-demo
on: [manual, push]
jobs:
  checkout:
    uses: test.script
    with: { echo: { ref: main } }
  build:
    needs: checkout
    matrix:
      target: [fedora-41, fedora-42]
    uses: test.script
    with: { echo: "built \${{ matrix.target }}" }
  tests:
    needs: build
    uses: test.script
    with:
      steps:
        - fail: { type: TestsFailed, message: "3 of 120 tests failed", non_retryable: true }
        - output: { passed: 120 }
  publish:
    needs: tests
    uses: test.script
    with: { echo: published }
`;

/** A node that fails once, is retried after a backoff, then polls three times in a child run. */
const POLLING = `version: 1
name: page-poll
on: [manual]
jobs:
  build:
    uses: test.script
    with:
      steps:
        - fail: { type: Flaky, message: "the build service hiccuped" }
        - output: { id: 7 }
    retry: { maximum_attempts: 3, initial_interval: 300ms }
    poll:
      uses: test.poll
      with: { key: "page-poll", done_after: 3 }
      every: 200ms
      until: "\${{ output.state == 'done' }}"
`;

/** A manual pipeline with one input of each type, for the page's Run form. */
const WITH_INPUTS = `version: 1
name: page-inputs
on:
  manual:
    inputs:
      target: { type: choice, options: [staging, production], default: staging, description: Where it goes }
      debug: { type: boolean }
      replicas: { type: number, default: 2 }
      note: { required: true, description: Why this run }
jobs:
  deploy:
    uses: test.script
    with: { echo: { target: "\${{ inputs.target }}", debug: "\${{ inputs.debug }}", replicas: "\${{ inputs.replicas }}" } }
`;

if (ci && !present)
  describe('the web page', () => {
    it('needs chromium', () => {
      throw new Error(
        `chromium is missing at ${CHROMIUM}: CI must run the browser test (apt-get install -y chromium)`,
      );
    });
  });

describe.skipIf(!present)('the web page in chromium', () => {
  const api = useApi({ handlers: testHandlers() });
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A page that records what goes wrong in it, and never reaches beyond the server. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:'))
        problems.push(`request outside the server: ${request.url()}`);
    });
    return { page, problems };
  }

  /** The state each graph node shows, by node id. */
  async function nodeStates(page: Page): Promise<Record<string, string | null>> {
    const states: Record<string, string | null> = {};
    for (const node of await page.locator('svg.graph g.node').all())
      states[(await node.getAttribute('data-node-id')) ?? '?'] =
        await node.getAttribute('data-state');
    return states;
  }

  it('lists a run, draws its graph with node states, and retries it from the page', async () => {
    const started = await api.post('/api/v1/runs', {
      pipeline: PIPELINE,
      repo: 'octo/page',
      sha: 'c0ffee'.padEnd(40, '1'),
    });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('failed');

    const { page, problems } = await openPage();
    await page.goto(`${base}/`);
    // The runs list: the run's row with its state, repository, trigger and commit.
    const row = page.locator(`tr.run-row[data-run-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator('.chip').getAttribute('data-status')).toBe('failed');
    const text = (await row.innerText()).toLowerCase();
    for (const part of ['page-demo', 'octo/page', 'manual', 'c0ffee1'])
      expect(text).toContain(part);
    await page.screenshot({ path: shot('page-runs') });

    // The run page: every node of the compiled graph, coloured by its state; the matrix grouped.
    await row.locator('a.run-link').click();
    await page.waitForURL(`${base}/runs/${id}`);
    await page.locator('svg.graph g.node[data-node-id="publish"]').waitFor();
    expect(await nodeStates(page)).toEqual({
      checkout: 'succeeded',
      'build[fedora-41]': 'succeeded',
      'build[fedora-42]': 'succeeded',
      tests: 'failed',
      publish: 'skipped',
    });
    expect(await page.locator('svg.graph g.group[data-group="build"]').count()).toBe(1);
    expect(await page.locator('.run-page').getAttribute('data-status')).toBe('failed');
    await page.locator('li.ev[data-type="RunFailed"]').waitFor();

    // A node's details: its attempt and the error it failed with.
    await page.locator('svg.graph g.node[data-node-id="tests"]').click();
    const details = page.locator('aside.node-details[data-node-id="tests"]');
    await details.waitFor();
    expect(await details.innerText()).toContain('3 of 120 tests failed');
    expect(await details.locator('li.attempt').count()).toBe(1);

    // Retry: the page asks for the token, sends it, and the run goes on to succeed.
    await page.locator('button[data-action="retry"]').click();
    const dialog = page.locator('dialog.token-dialog');
    await dialog.locator('input[name="token"]').fill(TOKEN);
    await dialog.locator('button[type="submit"]').click();
    await page.locator('.notice', { hasText: 'Retried' }).waitFor();
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    // The page sees it by itself (it polls while the run goes on).
    await page.locator('.run-page[data-status="succeeded"]').waitFor({ timeout: 10_000 });
    await page
      .locator('svg.graph g.node[data-node-id="publish"][data-state="succeeded"]')
      .waitFor();
    expect(await nodeStates(page)).toMatchObject({ tests: 'succeeded', publish: 'succeeded' });
    await page.locator('li.ev[data-type="RunRetried"]').waitFor();
    expect(await details.locator('li.attempt').count()).toBe(2);
    expect((await api.get(`/api/v1/runs/${id}`)).json()).toMatchObject({
      status: 'succeeded',
      attempt: 2,
    });
    await page.screenshot({ path: shot('page-run'), fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws a polled node across its whole life, and links a run and its child run both ways', async () => {
    const started = await api.post('/api/v1/runs', { pipeline: POLLING, repo: 'octo/page' });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json<{ run_id: string }>().run_id;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const childId = (await api.get(`/api/v1/runs/${id}`)).json<{ children: { id: string }[] }>()
      .children[0]!.id;

    const { page, problems } = await openPage();
    await page.goto(`${base}/runs/${id}`);

    // The child run's pill: its short id, what it does and its state.
    const pill = page.locator(`a.child-link[href="/runs/${childId}"]`);
    await pill.waitFor();
    const pillText = (await pill.innerText()).toLowerCase();
    for (const part of [childId.slice(0, 8), 'poll for build', 'succeeded'])
      expect(pillText).toContain(part);

    // The timeline: one bar from the first attempt to the end of the polling, the backoff and
    // the child run's polling inside it, and a note of what happened.
    const row = page.locator('.tl-row[data-node-id="build"]');
    const life = row.locator('.tl-span');
    await life.waitFor();
    expect(await life.getAttribute('title')).toContain('polled 3 times');
    expect(await row.locator('.tl-note').innerText()).toBe('2 attempts · polled 3 times');
    const box = async (selector: string) => (await row.locator(selector).boundingBox())!;
    const [bar, first, second, backoff, polling] = await Promise.all([
      life.boundingBox().then((b) => b!),
      box('.tl-bar[data-attempt="1"]'),
      box('.tl-bar[data-attempt="2"]'),
      box('.tl-wait[data-wait="backoff"]'),
      box('.tl-wait[data-wait="child"]'),
    ]);
    const right = (b: { x: number; width: number }) => b.x + b.width;
    expect(Math.abs(bar.x - first.x)).toBeLessThan(1);
    expect(Math.abs(right(bar) - right(polling))).toBeLessThan(1);
    expect(Math.abs(backoff.x - right(first))).toBeLessThan(4);
    expect(Math.abs(polling.x - right(second))).toBeLessThan(4);
    // The polling is the longer part of its life: three polls 200ms apart.
    expect(polling.width).toBeGreaterThan(second.width);
    await page.screenshot({ path: shot('page-poll'), fullPage: true });

    // The pill opens the child's page; its poll node shows each call and the waits between.
    await pill.click();
    await page.waitForURL(`${base}/runs/${childId}`);
    await page.locator(`.run-page[data-run-id="${childId}"]`).waitFor();
    const poll = page.locator('.tl-row[data-node-id="poll"]');
    await poll.locator('.tl-span').waitFor();
    expect(await poll.locator('.tl-bar').count()).toBe(3);
    expect(await poll.locator('.tl-wait[data-wait="poll"]').count()).toBe(2);
    expect(await poll.locator('.tl-note').innerText()).toBe('polled 3 times');
    await page.screenshot({ path: shot('page-poll-child'), fullPage: true });

    // And the child's header links back to its parent.
    const back = page.locator(`.fact a[href^="/runs/${id}"]`);
    expect(await back.innerText()).toBe(id.slice(0, 8));
    await back.click();
    await page.waitForURL(`${base}/runs/${id}?node=build`);
    await page.locator(`.run-page[data-run-id="${id}"]`).waitFor();

    expect(problems).toEqual([]);
    await page.close();
  });
  it('starts a manual run from the Run form, with its inputs, and shows a bad value at its field', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Run pipeline' }).click();
    await page.locator('textarea[name="pipeline"]').fill(WITH_INPUTS);
    await page.locator('button[name="load"]').click();
    // The form is made from the declared inputs: a select, a checkbox, a number field, a text field.
    const field = (name: string) => page.locator(`.input-field[data-input="${name}"]`);
    await field('note').waitFor();
    expect(await field('target').locator('select').inputValue()).toBe('staging');
    expect(await field('target').textContent()).toContain('Where it goes');
    expect(await field('debug').locator('input').getAttribute('type')).toBe('checkbox');
    expect(await field('replicas').locator('input').getAttribute('type')).toBe('number');
    expect(await field('note').locator('.required').count()).toBe(1);

    // Submitted without the required note: the server's problem shows at that field.
    await field('target').locator('select').selectOption('production');
    await field('debug').locator('input').check();
    await field('replicas').locator('input').fill('3');
    await page.locator('button[name="start"]').click();
    const dialog = page.locator('dialog.token-dialog');
    await dialog.locator('input[name="token"]').fill(TOKEN);
    await dialog.locator('button[type="submit"]').click();
    await expect
      .poll(() => field('note').locator('.form-error').textContent())
      .toBe('"note" is required');
    expect(await field('target').locator('.form-error').count()).toBe(0);
    await page.screenshot({ path: shot('page-start-run-error') });

    await field('note').locator('input').fill('from the page');
    await page.locator('button[name="start"]').click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    const detail = (await api.get(`/api/v1/runs/${id}`)).json<{
      inputs: unknown;
      node_list: { id: string; output: unknown }[];
    }>();
    expect(detail.inputs).toEqual({
      target: 'production',
      debug: true,
      replicas: 3,
      note: 'from the page',
    });
    expect(detail.node_list.find((n) => n.id === 'deploy')?.output).toEqual({
      target: 'production',
      debug: true,
      replicas: 3,
    });
    // The run's page shows the inputs it ran with.
    const shown = page.locator('.input-value[data-input="note"]');
    await shown.waitFor();
    expect(await shown.textContent()).toBe('note="from the page"');
    expect(await page.locator('.input-value[data-input="replicas"]').textContent()).toBe(
      'replicas=3',
    );
    await page.screenshot({ path: shot('page-start-run') });
    // Chromium logs the refused start (422) it was meant to get; nothing else went wrong.
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
    await page.close();
  });
});
