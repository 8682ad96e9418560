import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_JOB_TYPES,
  commandSelects,
  PACKIT_COMMANDS,
  parsePackitComment,
  syntaxErrorMessage,
} from '../../../src/compiler/packit/commands.js';
import { JOB_TYPES, type PackitCommand } from '../../../src/compiler/packit/types.js';

const SYNTAX =
  'There appears to be a syntax error in the command provided. Please refer to the Packit documentation or use the `/packit help` command.';

const EMPTY = {
  package: null,
  identifier: null,
  labels: [],
  env: {},
  commit: null,
  release: null,
};

function command(body: string, prefix?: string): PackitCommand {
  const parsed = parsePackitComment(body, prefix);
  if (!parsed?.ok) throw new Error(`expected a command, got ${JSON.stringify(parsed)}`);
  return parsed.command;
}

function error(body: string, prefix?: string): string {
  const parsed = parsePackitComment(body, prefix);
  if (parsed === undefined || parsed.ok)
    throw new Error(`expected an error, got ${JSON.stringify(parsed)}`);
  return parsed.error;
}

describe('finding the command', () => {
  it('reads a one-line comment', () => {
    expect(command('/packit build')).toEqual({ name: 'build', ...EMPTY });
    expect(command('/packit copr-build')).toEqual({ name: 'copr-build', ...EMPTY });
  });

  it('takes the first line that starts with the prefix and has a command', () => {
    const body =
      'Thanks!\n\n  /packit\n> quoted /packit build\n  /packit   retest-failed  \r\n/packit build\n';
    expect(command(body)).toEqual({ name: 'retest-failed', ...EMPTY });
  });

  it('is not a command without a prefixed line', () => {
    expect(parsePackitComment('')).toBeUndefined();
    expect(parsePackitComment('please /packit build')).toBeUndefined();
    expect(parsePackitComment('/packit')).toBeUndefined();
    expect(parsePackitComment('/packitbuild')).toBeUndefined();
    expect(parsePackitComment('/PACKIT build')).toBeUndefined();
  });

  it('keeps /packit-stg apart from /packit', () => {
    expect(parsePackitComment('/packit-stg build')).toBeUndefined();
    expect(command('/packit-stg build', '/packit-stg')).toEqual({ name: 'build', ...EMPTY });
    expect(parsePackitComment('/packit build', '/packit-stg')).toBeUndefined();
    expect(error('/packit-stg bulid', '/packit-stg')).toContain(
      'use the `/packit-stg help` command.',
    );
  });
});

describe('commands and options', () => {
  it('reads --package before the command', () => {
    expect(command('/packit --package python-copr build')).toEqual({
      name: 'build',
      ...EMPTY,
      package: 'python-copr',
    });
    expect(command('/packit --package=copr-backend test').package).toBe('copr-backend');
    expect(command('/packit --pack copr-cli retest-failed').package).toBe('copr-cli');
  });

  it('reads --commit and --release of build and test', () => {
    expect(command('/packit build --commit main')).toEqual({
      name: 'build',
      ...EMPTY,
      commit: 'main',
    });
    expect(command('/packit copr-build --release=v1.2.3')).toEqual({
      name: 'copr-build',
      ...EMPTY,
      release: 'v1.2.3',
    });
    expect(command('/packit test --commit stable').commit).toBe('stable');
  });

  it('reads every option of test', () => {
    expect(
      command(
        '/packit test --identifier smoke --labels a,b --env A=1 --env B= --env C=x=y --release v2',
      ),
    ).toEqual({
      name: 'test',
      ...EMPTY,
      identifier: 'smoke',
      labels: ['a', 'b'],
      env: { A: '1', B: '', C: 'x=y' },
      release: 'v2',
    });
  });

  it.each([
    '/packit test --identifier=smoke',
    '/packit test --id smoke',
    '/packit test --id=smoke',
    '/packit test -i smoke',
    '/packit test -ismoke',
    '/packit test -i=smoke',
    '/packit test --iden smoke',
    '/packit test --id other --id smoke',
  ])('%s', (body) => {
    expect(command(body).identifier).toBe('smoke');
  });

  it('takes values that look like negative numbers, and any variable name', () => {
    expect(command('/packit test --id -1').identifier).toBe('-1');
    const env = command('/packit test --env __proto__=x --env constructor=y').env;
    expect(Object.entries(env)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('lets quotes group words', () => {
    expect(
      command(`/packit test --env "GREETING=hello world" --env 'PATH=a b' --labels "x, y"`),
    ).toMatchObject({
      env: { GREETING: 'hello world', PATH: 'a b' },
      labels: ['x', 'y'],
    });
    expect(command('/packit test --env "Q=say \\"hi\\""').env).toEqual({ Q: 'say "hi"' });
    expect(command('/packit test --id=a"b c"d').identifier).toBe('ab cd');
  });

  it('reads the downstream commands and their options', () => {
    for (const name of [
      'rebuild-failed',
      'retest-failed',
      'propose-downstream',
      'upstream-koji-build',
      'koji-build',
      'create-update',
      'vm-image-build',
    ] as const) {
      expect(command(`/packit ${name}`)).toEqual({ name, ...EMPTY });
    }
    expect(
      command(
        '/packit pull-from-upstream --resolve-bug rhbz#1,rhbz#2 --with-pr-config --version 2.0',
      ),
    ).toEqual({
      name: 'pull-from-upstream',
      ...EMPTY,
      resolve_bugs: ['rhbz#1', 'rhbz#2'],
      with_pr_config: true,
      version: '2.0',
    });
    expect(command('/packit pull-from-upstream')).toEqual({
      name: 'pull-from-upstream',
      ...EMPTY,
      with_pr_config: false,
      version: null,
    });
    expect(command('/packit koji-tag --all-branches')).toEqual({
      name: 'koji-tag',
      ...EMPTY,
      all_branches: true,
    });
    expect(command('/packit koji-tag').all_branches).toBe(false);
  });

  it('answers help whatever follows', () => {
    expect(command('/packit help me please')).toEqual({ name: 'help', ...EMPTY });
  });
});

describe('syntax errors', () => {
  it.each([
    ['/packit bulid', 'unknown command \'bulid\'; did you mean "build"?'],
    ['/packit constructor', "unknown command 'constructor'"],
    ['/packit __proto__', "unknown command '__proto__'"],
    ['/packit verify-fas me', "verify-fas is for Packit's own allowlist"],
    ['/packit --package', 'argument --package: expected one argument'],
    ['/packit --package foo', 'no command given'],
    ['/packit --verbose build', 'unrecognized arguments: --verbose'],
    [
      '/packit build --package foo',
      '--package has to come before the command: /packit --package P build',
    ],
    ['/packit build now', 'unrecognized arguments: now'],
    ['/packit build --commit', 'argument --commit: expected one argument'],
    ['/packit build --commit --release v1', 'argument --commit: expected one argument'],
    [
      '/packit build --commit main --release v1',
      'argument --release: not allowed with argument --commit',
    ],
    ['/packit rebuild-failed --commit main', 'unrecognized arguments: --commit'],
    ['/packit test --i x', ''],
    ['/packit test --e A', "argument --env: expected NAME=VALUE, got 'A'"],
    ['/packit test --env =1', "argument --env: expected NAME=VALUE, got '=1'"],
    ['/packit test --labels', 'argument --labels: expected one argument'],
    ['/packit test -x', 'unrecognized arguments: -x'],
    ['/packit test --nope=1', 'unrecognized arguments: --nope'],
    [
      '/packit koji-tag --all-branches=yes',
      "argument --all-branches: ignored explicit argument 'yes'",
    ],
    ['/packit test --env "A=1', 'the quote " is never closed'],
    ['/packit test extra', 'unrecognized arguments: extra (test takes only options)'],
    [
      '/packit test packit/ogr#123',
      '`test packit/ogr#123` would test builds of another pull request, which forgeflow does not support',
    ],
    ['/packit test -- packit/ogr#123', 'which forgeflow does not support'],
  ])('%s', (body, detail) => {
    if (detail === '') {
      // `--i` is short for both --identifier and --id, one and the same option.
      expect(command(body).identifier).toBe('x');
      return;
    }
    const message = error(body);
    expect(message.startsWith(`${SYNTAX}\n`)).toBe(true);
    expect(message).toContain(detail);
  });

  it("is Packit's message for the default prefix", () => {
    expect(syntaxErrorMessage()).toBe(SYNTAX);
  });
});

describe('command → job types', () => {
  it('maps every command', () => {
    expect(Object.keys(COMMAND_JOB_TYPES).sort()).toEqual([...PACKIT_COMMANDS].sort());
    for (const types of Object.values(COMMAND_JOB_TYPES)) {
      for (const type of types) expect(JOB_TYPES).toContain(type);
    }
    expect(COMMAND_JOB_TYPES['create-update']).toEqual(['bodhi_update']);
    expect(COMMAND_JOB_TYPES['koji-tag']).toEqual(['koji_build_tag']);
    expect(COMMAND_JOB_TYPES.help).toEqual([]);
  });

  it('starts tests after /packit build, except manual ones', () => {
    expect(commandSelects('build', { type: 'copr_build', manual_trigger: true })).toBe(true);
    expect(commandSelects('build', { type: 'tests', manual_trigger: false })).toBe(true);
    expect(commandSelects('copr-build', { type: 'tests', manual_trigger: true })).toBe(false);
    expect(commandSelects('test', { type: 'tests', manual_trigger: true })).toBe(true);
    expect(commandSelects('rebuild-failed', { type: 'tests', manual_trigger: false })).toBe(false);
    expect(commandSelects('retest-failed', { type: 'copr_build', manual_trigger: false })).toBe(
      false,
    );
  });
});

describe('properties', () => {
  it('never throws on arbitrary text, and a result is a command or a syntax error', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .array(
          fc.oneof(
            fc.constantFrom(
              '/packit',
              '--package',
              '--id',
              '-i',
              '--env',
              '--labels',
              '--commit',
              '=',
              '"',
              "'",
              '\n',
              ' ',
              '--',
              '-',
            ),
            fc.constantFrom(...PACKIT_COMMANDS, '__proto__', 'constructor'),
            fc.string({ maxLength: 8 }),
          ),
          { maxLength: 12 },
        )
        .map((words) => words.join(' ')),
    );
    fc.assert(
      fc.property(text, (body) => {
        const parsed = parsePackitComment(body);
        if (parsed === undefined) return;
        if (parsed.ok) expect(PACKIT_COMMANDS).toContain(parsed.command.name);
        else expect(parsed.error.startsWith(SYNTAX)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
