/**
 * Golden tests for diagnostics: every `test/golden/NN-name.yaml` is a broken pipeline, and
 * `test/golden/NN-name.txt` beside it holds the exact text `formatDiagnostics` prints for it
 * (plus a final newline). The cases are read from the directory at test time.
 *
 * Update mode: after a deliberate change to a message, regenerate the expected files with
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 *
 * which writes every `.txt` instead of comparing. Then read the diff of `test/golden/` line by
 * line before committing it: the point of these files is that a person checked each message.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics, validatePipeline } from '../src/compiler/index.js';
import { builtInRegistry } from '../src/handlers/catalog.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const MIN_CASES = 40;
const update = process.env.UPDATE_GOLDEN === '1';

const cases = existsSync(GOLDEN_DIR)
  ? readdirSync(GOLDEN_DIR)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
  : [];

describe('golden diagnostics', () => {
  it(`has at least ${MIN_CASES} cases in test/golden`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
  });

  const check = (file: string) => {
    const text = readFileSync(join(GOLDEN_DIR, file), 'utf8');
    const result = validatePipeline(text, { file, handlers: builtInRegistry });
    const actual = formatDiagnostics(result.diagnostics, text) + '\n';
    const expectedPath = join(GOLDEN_DIR, file.replace(/\.yaml$/, '.txt'));

    if (update) writeFileSync(expectedPath, actual);
    expect(result.ok, `${file} is a broken pipeline and must not validate`).toBe(false);
    if (update) return;
    expect(existsSync(expectedPath), `missing ${expectedPath}; run with UPDATE_GOLDEN=1`).toBe(
      true,
    );
    expect(actual).toBe(readFileSync(expectedPath, 'utf8'));
  };

  for (const file of cases) {
    it(file, () => check(file));
  }
});
