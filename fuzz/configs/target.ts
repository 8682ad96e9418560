/** The configs target: mutated pipeline.yaml and .packit.yaml files through the compiler. */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Verdict } from '../outcomes.js';
import type { Target } from '../target.js';
import { generateConfigCase, type ConfigCase } from './generate.js';
import type { ConfigAnswer } from './runner.js';

export function configsTarget(options: { children?: number } = {}): Target<ConfigCase> {
  return {
    name: 'configs',
    runner: fileURLToPath(new URL('./runner.ts', import.meta.url)),
    init: null,
    children: options.children ?? Math.min(2, availableParallelism()),
    generate: (random) => generateConfigCase(random),
    input: (testCase) => testCase,
    judge: (_testCase, answer): Verdict => (answer as ConfigAnswer).verdict,
    caseKind: (testCase) => {
      const [source = '', steps = ''] = testCase.origin.split(' + ');
      if (source.startsWith('generated:')) return source;
      const names = [...new Set(steps.split(', ').filter(Boolean))].sort();
      return `mutated: ${names.join(', ')}`;
    },
    describe: (testCase) =>
      `${testCase.kind} ${Buffer.byteLength(testCase.text)} B: ${testCase.origin}`,
    finding: (testCase) => ({
      input: {
        extension: testCase.kind === 'packit' ? 'packit.yaml' : 'yaml',
        data: testCase.text,
      },
      meta: {
        front_end: testCase.kind,
        file: testCase.file,
        event: testCase.event,
        origin: testCase.origin,
        bytes: Buffer.byteLength(testCase.text),
      },
    }),
  };
}
