/**
 * The hostile configs of issue 12, as the compile bench feeds them (compile-hostile.ts): each
 * must be refused with a diagnostic, or compile to a graph of bounded size, in bounded time
 * and memory. Generated, so the bench needs no large files.
 */
import { compilePackit, compilePipeline, type CompileResult } from '../src/compiler/index.js';
import type { Event } from '../src/events/event.js';
import { builtInRegistry } from '../src/handlers/catalog.js';

export interface HostileCase {
  name: string;
  kind: 'pipeline' | 'packit';
  text: () => string;
}

const list = (n: number, item: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => item(i)).join(', ');

/** `count` jobs: each needing the one before (`chain`), or none. */
function jobs(count: number, chain: boolean): string {
  const body = Array.from(
    { length: count },
    (_, i) => `  j${i}:\n${chain && i > 0 ? `    needs: [j${i - 1}]\n` : ''}    sleep: 1s\n`,
  );
  return `version: 1\non: pull_request\njobs:\n${body.join('')}`;
}

/** `count` matrices of `size` values, each needing the one before with other keys. */
function matrices(count: number, size: number): string {
  const values = list(size, (v) => `v${v}`);
  const body = Array.from(
    { length: count },
    (_, i) =>
      `  m${i}:\n    matrix: { k${i}: [${values}] }\n    sleep: 1s\n${i > 0 ? `    needs: m${i - 1}\n` : ''}`,
  );
  return `version: 1\non: pull_request\njobs:\n${body.join('')}`;
}

const job = `version: 1\non: pull_request\njobs:\n  a:\n    uses: exec\n    with: { command: ["true"] }\n`;

export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'alias x: &x [*x]', kind: 'pipeline', text: () => 'x: &x [*x]\n' },
  { name: 'alias x: &x {y: *x}', kind: 'pipeline', text: () => 'x: &x {y: *x}\n' },
  { name: 'alias x: &x [1, [*x]]', kind: 'pipeline', text: () => 'x: &x [1, [*x]]\n' },
  { name: 'alias, block list', kind: 'pipeline', text: () => 'x: &x\n  - *x\n' },
  { name: 'alias, block mapping', kind: 'pipeline', text: () => 'x: &x\n  y: *x\n' },
  {
    name: 'billion laughs (9 × 9 levels)',
    kind: 'pipeline',
    text: () => {
      const lines = ['version: 1', 'on: push', 'xa: &a ["lol","lol","lol"]'];
      for (const [prev, next] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi'])
        lines.push(`x${next}: &${next} [${list(9, () => `*${prev}`)}]`);
      return `${lines.join('\n')}\njobs:\n  a:\n    uses: exec\n    with:\n      command: *i\n`;
    },
  },
  {
    name: 'wide alias bomb (1,100 values × 99)',
    kind: 'pipeline',
    text: () => `${job}x-a: &a [${list(1100, () => 'x')}]\nx-b: [${list(99, () => '*a')}]\n`,
  },
  {
    name: '4 MiB of text through aliases',
    kind: 'pipeline',
    text: () => `${job}x-t: &t "${'t'.repeat(4300)}"\nx-u: [${list(1000, () => '*t')}]\n`,
  },
  { name: '5,000 jobs', kind: 'pipeline', text: () => jobs(5000, false) },
  { name: '5,000-job needs chain', kind: 'pipeline', text: () => jobs(5000, true) },
  { name: '1,000-job needs chain (the limit)', kind: 'pipeline', text: () => jobs(1000, true) },
  {
    name: '20 matrices × 256, each needing the last',
    kind: 'pipeline',
    text: () => matrices(20, 256),
  },
  { name: '300 matrices × 256', kind: 'pipeline', text: () => matrices(300, 256) },
  {
    name: '200,000-value flow list',
    kind: 'pipeline',
    text: () => `${job}x-l: [${list(200_000, () => 'x')}]\n`,
  },
  {
    name: '40,000 unknown top-level keys',
    kind: 'pipeline',
    text: () => job + Array.from({ length: 40_000 }, (_, i) => `k${i}: 1\n`).join(''),
  },
  {
    name: '30,000 env values of the wrong type',
    kind: 'pipeline',
    text: () =>
      `${job}env:\n${Array.from({ length: 30_000 }, (_, i) => `  E${i}: [1]\n`).join('')}`,
  },
  {
    name: '50,000 expressions in one string',
    kind: 'pipeline',
    text: () => job.replace('"true"', `"${'${{ event.sha }}'.repeat(50_000)}"`),
  },
  // Shapes the fuzzer found slow (npm run fuzz, seed 2028): each took 2–28 s before.
  {
    name: '20,000 unknown names in on: [ ]',
    kind: 'pipeline',
    text: () =>
      `version: 1\non: [pull_request, ${list(20_000, (i) => `pull_request-${i}`)}]\njobs: {}\n`,
  },
  {
    name: '500 KiB of "" after a key (an error per pair)',
    kind: 'pipeline',
    text: () => `${job}  b:\n    uses: ${'"'.repeat(500 * 1024)}\n`,
  },
  {
    name: '24,000 repeats of one key',
    kind: 'pipeline',
    text: () => `${job}  j:\n${'    a: 1\n'.repeat(24_000)}`,
  },
  {
    name: 'packit: 1,001 jobs',
    kind: 'packit',
    text: () =>
      `specfile_path: app.spec\njobs:\n${'  - job: copr_build\n    trigger: pull_request\n    targets: [fedora-45]\n'.repeat(1001)}`,
  },
  {
    name: 'packit: 6,000 targets built and tested',
    kind: 'packit',
    text: () =>
      `specfile_path: app.spec\njobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: [${list(6000, (i) => `fedora-45-arch${i}`)}]\n  - job: tests\n    trigger: pull_request\n`,
  },
  {
    name: 'packit: 24,000 jobs that are numbers',
    kind: 'packit',
    text: () =>
      `specfile_path: app.spec\njobs:\n${Array.from({ length: 24_000 }, (_, i) => `  - ${i}\n`).join('')}`,
  },
  {
    name: 'packit: circular alias',
    kind: 'packit',
    text: () => 'specfile_path: app.spec\njobs: &jobs\n  - *jobs\n',
  },
];

export function compileHostile(c: HostileCase, text: string, event: Event): CompileResult {
  return c.kind === 'packit'
    ? compilePackit(text, event, { file: '.packit.yaml', repoName: 'app' })
    : compilePipeline(text, event, { file: 'pipeline.yaml', handlers: builtInRegistry });
}
