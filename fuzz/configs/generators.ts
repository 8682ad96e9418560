/**
 * Hostile configs made from scratch, at sizes from small to absurd: thousands of jobs, needs
 * chains and fans, matrices whose product explodes, matrix jobs needing matrix jobs (edges
 * grow as a product), self-referential aliases in each of their forms, alias bombs, deep block
 * and flow nesting, expression and glob bombs, and the same for .packit.yaml.
 */
import { longString, oddString } from '../hostile-text.js';
import type { Random } from '../random.js';
import type { ConfigKind } from './corpus.js';

export interface Generated {
  kind: ConfigKind;
  text: string;
}

interface Generator {
  name: string;
  make(random: Random): Generated;
}

const HEAD = 'version: 1\non: [push, pull_request, manual]\n';
const exec = (extra = '') => `    uses: exec\n    with: { command: [echo, hi] }\n${extra}`;
const pipeline = (jobs: string, top = '') => ({
  kind: 'pipeline' as const,
  text: `${HEAD}${top}jobs:\n${jobs}`,
});

function lines(count: number, line: (i: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(line(i));
  return out.join('');
}

/** `x: &x [*x]` and its relatives, flow and block, direct and through a merge key. */
const SELF_ALIASES = [
  'x: &x [*x]',
  'x: &x {y: *x}',
  'x: &x [1, [*x]]',
  'x: &x\n  - *x',
  'x: &x\n  y: *x',
  'x: &x\n  <<: *x',
  'x: &x\n  - a\n  - [*x, *x]',
  'x: &x [&y [*x, *y]]',
] as const;

function indentBlock(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');
}

function aliasBomb(random: Random, levels: number, width: number): string {
  let out = `b0: &b0 [${Array(width).fill('"lol"').join(', ')}]\n`;
  for (let i = 1; i < levels; i++)
    out += `b${i}: &b${i} [${Array(width)
      .fill(`*b${i - 1}`)
      .join(', ')}]\n`;
  return random.chance(0.5)
    ? out
    : out.replace(
        /\[([^\]]*)\]/g,
        (_, items: string) =>
          `{${items
            .split(', ')
            .map((item, j) => `k${j}: ${item}`)
            .join(', ')}}`,
      );
}

const NASTY_GLOBS = [
  '**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/x',
  `${'a*'.repeat(40)}b`,
  `+(a|aa)+(a|aa)+(a|aa)+(a|aa)+(a|aa)b`,
  `${'{a,b,'.repeat(30)}c${'}'.repeat(30)}`,
  `{1..100000}`,
  `[${'a-z'.repeat(2000)}]`,
  '!(!(!(!(!(!(!(!(a))))))))',
] as const;

export const PIPELINE_GENERATORS: readonly Generator[] = [
  {
    name: 'many-jobs',
    make: (random) => pipeline(lines(random.size(8_000), (i) => `  j${i}:\n${exec()}`)),
  },
  {
    name: 'needs-chain',
    make: (random) =>
      pipeline(
        lines(
          random.size(8_000),
          (i) => `  j${i}:\n${exec(i > 0 ? `    needs: [j${i - 1}]\n` : '')}`,
        ),
      ),
  },
  {
    name: 'needs-fan',
    make(random) {
      const n = random.size(600);
      return pipeline(
        lines(n, (i) => {
          const needs = Array.from({ length: i }, (_, k) => `j${k}`).join(', ');
          return `  j${i}:\n${exec(i > 0 ? `    needs: [${needs}]\n` : '')}`;
        }),
      );
    },
  },
  {
    // Matrix jobs with different keys needing each other: every instance needs every instance.
    name: 'matrix-product',
    make(random) {
      const jobs = random.size(300);
      const values = random.size(256);
      const list = Array.from({ length: values }, (_, v) => `v${v}`).join(', ');
      return pipeline(
        lines(jobs, (i) => {
          const needs = i > 0 ? `    needs: [j${i - 1}]\n` : '';
          return `  j${i}:\n    matrix: { k${i}: [${list}] }\n${exec(needs)}`;
        }),
      );
    },
  },
  {
    name: 'matrix-wide',
    make(random) {
      const keys = random.size(40);
      const values = random.size(64);
      const matrix = Array.from(
        { length: keys },
        (_, k) => `      k${k}: [${Array.from({ length: values }, (_, v) => v).join(', ')}]\n`,
      ).join('');
      return pipeline(`  a:\n    matrix:\n${matrix}${exec()}`);
    },
  },
  {
    name: 'self-alias',
    make(random) {
      const alias = random.pick(SELF_ALIASES);
      switch (random.int(5)) {
        case 0:
          return { kind: 'pipeline', text: alias };
        case 1:
          return pipeline(`  a:\n${exec()}`, `${alias}\n`);
        case 2:
          return pipeline(`  a:\n    uses: exec\n    with:\n${indentBlock(alias, 6)}\n`);
        case 3:
          return pipeline(`  a:\n    matrix:\n${indentBlock(alias, 6)}\n${exec()}`);
        default:
          return pipeline(`  a:\n${exec()}`, `env:\n${indentBlock(alias, 2)}\n`);
      }
    },
  },
  {
    name: 'alias-bomb',
    make(random) {
      const bomb = aliasBomb(random, random.between(2, 12), random.between(2, 12));
      const last = bomb.trimEnd().split('\n').length - 1;
      return pipeline(
        `  a:\n    uses: exec\n    with: { command: [echo], env: *b${last} }\n`,
        `x-bomb:\n${indentBlock(bomb.trimEnd(), 2)}\n`,
      );
    },
  },
  {
    name: 'deep-block',
    make(random) {
      // The text grows as depth² (each level indents further): 2,500 levels is ~3 MB.
      const depth = random.size(2_500);
      const step = random.pick([1, 2]);
      const nested = lines(depth, (i) => `${' '.repeat(6 + i * step)}k${i}:\n`);
      return pipeline(
        `  a:\n    uses: http.request\n    with:\n      url: http://x\n      json:\n${nested}`,
      );
    },
  },
  {
    name: 'deep-flow',
    make(random) {
      const depth = random.size(100_000);
      const open = random.pick(['[', '{a: ']);
      const close = open === '[' ? ']' : '}';
      return pipeline(
        `  a:\n    uses: http.request\n    with: { url: http://x, json: ${open.repeat(depth)}${close.repeat(depth)} }\n`,
      );
    },
  },
  {
    name: 'expression-bomb',
    make(random) {
      const n = random.size(50_000);
      const expression = random.pick([
        () => `${'('.repeat(n)}true${')'.repeat(n)}`,
        () => Array(n).fill('success()').join(' && '),
        () => `format('{0}'${', 1'.repeat(n)})`,
        () => `${'!'.repeat(n)}true`,
        () => `${'fromJSON('.repeat(n)}'1'${')'.repeat(n)}`,
        () => `event${'.a'.repeat(n)}`,
        () => `'${"''".repeat(n)}'`,
      ])();
      return pipeline(`  a:\n${exec(`    if: \${{ ${expression} }}\n`)}`);
    },
  },
  {
    name: 'glob-bomb',
    make(random) {
      const globs = Array.from({ length: random.size(2_000) }, () =>
        JSON.stringify(random.pick(NASTY_GLOBS)),
      );
      return {
        kind: 'pipeline',
        text: `version: 1\non:\n  push: { branches: [${globs.join(', ')}], paths: [${globs.join(', ')}] }\n  pull_request: { branches: [${globs.join(', ')}] }\njobs:\n  a:\n${exec()}`,
      };
    },
  },
  {
    name: 'odd-names',
    make(random) {
      const name = () => JSON.stringify(oddString(random));
      return pipeline(
        lines(
          random.size(50),
          (i) =>
            `  ${name()}:\n${exec(`    needs: [${name()}]\n    report: ${name()}\n`)}${i % 2 ? `    env: { ${name()}: ${name()} }\n` : ''}`,
        ),
        `name: ${name()}\nenv: { ${name()}: ${name()} }\n`,
      );
    },
  },
  {
    name: 'duplicate-keys',
    make: (random) => pipeline(lines(random.size(20_000), () => `  a:\n${exec()}`)),
  },
  {
    name: 'long-strings',
    make(random) {
      const long = JSON.stringify(longString(random, random.size(1_200_000)));
      return pipeline(
        `  a:\n    uses: exec\n    with: { command: [echo, ${long}] }\n`,
        `name: ${long}\n`,
      );
    },
  },
];

const PACKIT_JOB = (i: number, targets: string) =>
  `  - job: ${['copr_build', 'tests', 'propose_downstream', 'koji_build', 'bodhi_update'][i % 5]}\n    trigger: ${['pull_request', 'commit', 'release'][i % 3]}\n    targets: [${targets}]\n    identifier: id${i}\n`;

export const PACKIT_GENERATORS: readonly Generator[] = [
  {
    name: 'packit-many-jobs',
    make(random) {
      const targets = Array.from({ length: random.size(300) }, (_, t) =>
        random.pick(['fedora-all', 'epel-all', 'fedora-rawhide', `fedora-${t}-x86_64`]),
      ).join(', ');
      return {
        kind: 'packit',
        text: `specfile_path: x.spec\njobs:\n${lines(random.size(5_000), (i) => PACKIT_JOB(i, targets))}`,
      };
    },
  },
  {
    name: 'packit-monorepo',
    make(random) {
      const packages = random.size(3_000);
      const names = Array.from({ length: packages }, (_, i) => `p${i}`);
      return {
        kind: 'packit',
        text: `packages:\n${names.map((n) => `  ${n}:\n    specfile_path: ${n}.spec\n    paths: [${n}]\n`).join('')}jobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: [fedora-all]\n    packages: [${names.join(', ')}]\n`,
      };
    },
  },
  {
    name: 'packit-self-alias',
    make(random) {
      const alias = random.pick(SELF_ALIASES);
      return {
        kind: 'packit',
        text: random.chance(0.5)
          ? `${alias}\njobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: *x\n`
          : `specfile_path: x.spec\njobs:\n  - job: tests\n    trigger: pull_request\n    env:\n${indentBlock(alias, 6)}\n`,
      };
    },
  },
  {
    name: 'packit-alias-bomb',
    make(random) {
      const bomb = aliasBomb(random, random.between(2, 12), random.between(2, 12));
      const last = bomb.trimEnd().split('\n').length - 1;
      return {
        kind: 'packit',
        text: `${bomb}specfile_path: x.spec\njobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: *b${last}\n`,
      };
    },
  },
  {
    name: 'packit-deep',
    make(random) {
      const depth = random.size(100_000);
      return {
        kind: 'packit',
        text: `specfile_path: x.spec\nactions:\n  post-upstream-clone: ${'['.repeat(depth)}${']'.repeat(depth)}\njobs:\n  - job: copr_build\n    trigger: pull_request\n`,
      };
    },
  },
];
