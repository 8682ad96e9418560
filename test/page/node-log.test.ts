/**
 * A node's live log on the page, in a real browser (Debian's chromium driven by playwright-core):
 * while an exec step runs, its lines appear in the node's panel one by one as the program prints
 * them, a green ANSI line drawn green, HTML in the output shown as text; the log says it ended
 * once the node did. Without chromium the test fails under CI and is skipped (loudly) elsewhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../api/support.js';
import { CHROMIUM, chromiumPresent, launchChromium } from '../support/chromium.js';
import { testHandlers } from '../support/runtime.js';

const present = chromiumPresent;
const ci = process.env.CI === 'true';
if (!present && !ci)
  process.stderr.write(
    `\n*** forgeflow node-log page test SKIPPED: no chromium at ${CHROMIUM} ***\n\n`,
  );

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-page-log-'));
const flag = join(dir, 'go');

/** The program prints two lines, then waits for the test's file before its last line. */
const PIPELINE = `version: 1
name: page-log
on: [manual]
jobs:
  build:
    matrix: { target: [fedora-41] }
    uses: exec
    with:
      shell: 'echo "start <b>bold</b>"; printf "\\\\033[32mgreen\\\\033[0m\\\\n"; while [ ! -e "$FLAG" ]; do sleep 0.05; done; echo done'
      env: { FLAG: "${flag}" }
`;

if (ci && !present)
  describe('the node log in chromium', () => {
    it('needs chromium', () => {
      throw new Error(`chromium is missing at ${CHROMIUM}`);
    });
  });

describe.skipIf(!present)('the node log in chromium', () => {
  const api = useApi({ handlers: testHandlers() });
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    base = await api.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    writeFileSync(flag, '');
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows a running exec step's lines live, with colour, HTML as text", async () => {
    const started = await api.post('/api/v1/runs', { pipeline: PIPELINE, repo: 'octo/page' });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json<{ run_id: string }>().run_id;

    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const node = 'build[fedora-41]';
    await page.goto(`${base}/runs/${id}?node=${encodeURIComponent(node)}`);
    const log = page.locator(`aside.node-details[data-node-id="${node}"] pre.node-log`);
    const green = log.locator('.log-line', { hasText: /^green$/ });
    await green.waitFor({ timeout: 15_000 });
    // Still running: the last line is not there yet, and the panel follows live.
    expect(await log.locator('.log-line', { hasText: /^done$/ }).count()).toBe(0);
    expect(await page.locator('.node-log-state').getAttribute('data-state')).toBe('live');
    // ansi_up draws SGR 32 as an inline colour on a span of its own.
    expect(await green.locator('span').getAttribute('style')).toBe('color:rgb(0,187,0)');
    const start = log.locator('.log-line', { hasText: /^start / });
    expect(await start.innerText()).toBe('start <b>bold</b>');
    expect(await start.locator('b').count()).toBe(0);

    writeFileSync(flag, '');
    await log.locator('.log-line', { hasText: /^done$/ }).waitFor({ timeout: 15_000 });
    await page.locator('.node-log-state[data-state="ended"]').waitFor({ timeout: 15_000 });
    expect(await log.locator('.log-line').allInnerTexts()).toEqual([
      expect.stringMatching(/^\$ echo/) as unknown as string,
      'start <b>bold</b>',
      'green',
      'done',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
