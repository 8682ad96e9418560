/**
 * Golden tests for `forgeflow plan`: every `test/golden/plan/NN-name.yaml` is planned for the
 * webhook payload beside it (`NN-name.event.json`), and `NN-name.txt` holds the exact text plan
 * prints. The cases cover report names and concurrency groups resolved from the event, left as
 * written where only the run can resolve them, and hostile payload values printed inert.
 *
 * Update mode, after a deliberate change to plan's output:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden-plan.test.ts
 *
 * then read the diff of `test/golden/plan/` line by line before committing it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';

const CASES_DIR = 'test/golden/plan';
const update = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(join(REPO_ROOT, CASES_DIR))
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('golden plans', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of cases) {
    it(file, async () => {
      const name = file.replace(/\.yaml$/, '');
      const { code, out, err } = await runCli(
        'plan',
        `${CASES_DIR}/${file}`,
        '--event',
        `${CASES_DIR}/${name}.event.json`,
      );
      expect(err).toBe('');
      expect(code).toBe(0);
      // Nothing of a payload reaches the terminal as a control character.
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      const expectedPath = join(REPO_ROOT, CASES_DIR, `${name}.txt`);
      if (update) return writeFileSync(expectedPath, out);
      expect(existsSync(expectedPath), `missing ${expectedPath}; run with UPDATE_GOLDEN=1`).toBe(
        true,
      );
      expect(out).toBe(readFileSync(expectedPath, 'utf8'));
    });
  }
});
