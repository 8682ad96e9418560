/**
 * The argv rules of src/common: where a spliced value would become code (a shell's or an
 * interpreter's code argument, the program, an option of an interpreter, a variable that runs
 * code), behind wrappers, and the near-misses that must stay allowed because they are data.
 */
import { describe, expect, it } from 'vitest';
import { analyzeArgv, type ArgShape } from '../../src/common/argv-analysis.js';
import {
  codeEnvReason,
  commandEnvReason,
  programRule,
  refusedEnv,
} from '../../src/common/exec-rules.js';

const X = '${{ x }}';

/** An argv written with `${{ x }}` where a value is spliced in. */
function shapes(argv: readonly string[]): ArgShape[] {
  return argv.map((arg) => {
    const at = arg.indexOf('${{');
    return at === -1
      ? { prefix: arg, dynamic: false }
      : { prefix: arg.slice(0, at), dynamic: true };
  });
}

/** `index:kind` of each finding. */
function findings(argv: readonly string[]): string[] {
  return analyzeArgv(shapes(argv)).map((f) => `${f.index}:${f.kind}`);
}

describe('code arguments of shells and interpreters', () => {
  it.each([
    [['sh', '-c', `echo ${X}`], '2:code'],
    [['/bin/sh', '-c', X], '2:code'],
    [['/usr/bin/bash', '-c', X], '2:code'],
    [['BASH', '-c', X], '2:code'],
    [['bash.exe', '-c', X], '2:code'],
    [['bash5.2', '-c', X], '2:code'],
    [['bash', '-ec', X], '2:code'],
    [['bash', '-xc', X], '2:code'],
    [['bash', '-cx', X], '2:code'],
    [['bash', '-c', '-e', X], '3:code'],
    [['bash', '-c', '--', X], '3:code'],
    [['bash', '--norc', '-o', 'errexit', '-c', X], '5:code'],
    [['bash', '+o', 'posix', '-c', X], '4:code'],
    [['dash', '-c', X], '2:code'],
    [['zsh', '-c', X], '2:code'],
    [['ksh', '-c', X], '2:code'],
    [['mksh', '-c', X], '2:code'],
    [['fish', '-c', X], '2:code'],
    [['fish', '--init-command', X, 'x.fish'], '2:code'],
    [['tcsh', '-c', X], '2:code'],
    [['python', '-c', X], '2:code'],
    [['python3', '-c', X], '2:code'],
    [['/usr/bin/python3.12', '-c', X], '2:code'],
    [['pypy3', '-c', X], '2:code'],
    [['python3', `-c${X}`], '1:code'],
    [['python3', '-Ic', X], '2:code'],
    [['python3', '-u', '-c', X], '3:code'],
    [['node', '-e', X], '2:code'],
    [['node', '--eval', X], '2:code'],
    [['node', `--eval=${X}`], '1:code'],
    [['node', '-p', X], '2:code'],
    [['node', '--print', X], '2:code'],
    [['node', '-pe', X], '2:code'],
    [['nodejs', '-e', X], '2:code'],
    [['tsx', '-e', X], '2:code'],
    [['perl', '-e', X], '2:code'],
    [['perl', '-E', X], '2:code'],
    [['perl', '-lne', X], '2:code'],
    [['perl', `-e${X}`], '1:code'],
    [['ruby', '-e', X], '2:code'],
    [['php', '-r', X], '2:code'],
    [['php8.2', '-B', X], '2:code'],
    [['lua', '-e', X], '2:code'],
    [['lua5.4', '-e', X], '2:code'],
    [['Rscript', '-e', X], '2:code'],
    [['julia', '-e', X], '2:code'],
    [['awk', X], '1:code'],
    [['gawk', '-F:', `{print} ${X}`], '2:code'],
    [['awk', '-v', 'a=1', X, 'file'], '3:code'],
    [['gawk', '-e', X], '2:code'],
    [['gawk', '--source', X], '2:code'],
    [['sed', X], '1:code'],
    [['sed', '-n', '-e', X], '3:code'],
    [['sed', `--expression=${X}`], '1:code'],
    [['expect', '-c', X], '2:code'],
    [['groovy', '-e', X], '2:code'],
  ])('%j: %s', (argv, expected) => {
    expect(findings(argv)).toEqual([expected]);
  });
});

describe('behind wrappers', () => {
  it.each([
    [['env', 'sh', '-c', X], '3:code'],
    [['/usr/bin/env', '-i', 'PATH=/usr/bin', 'bash', '-c', X], '5:code'],
    [['env', '-u', 'HOME', '--', 'python3', '-c', X], '6:code'],
    [['env', '-S', 'sh -c', X], '3:code'],
    [['env', '-S', 'sh -c "echo hi"', 'sh', X], ''],
    [['nice', '-n', '10', 'python3', '-c', X], '5:code'],
    [['nohup', 'node', '-e', X], '3:code'],
    [['timeout', '10', 'bash', '-c', X], '4:code'],
    [['timeout', '-s', 'KILL', '-k', '5', '10', 'sh', '-c', X], '8:code'],
    [['stdbuf', '-oL', 'perl', '-e', X], '4:code'],
    [['setsid', '-w', 'sh', '-c', X], '4:code'],
    [['xargs', '-0', '-n', '1', 'sh', '-c', X], '6:code'],
    [['sudo', '-u', 'ci', '-E', 'bash', '-c', X], '6:code'],
    [['sudo', '-s', 'echo', X], '3:code'],
    [['doas', '-u', 'ci', 'sh', '-c', X], '5:code'],
    [['busybox', 'sh', '-c', X], '3:code'],
    [['busybox', 'ash', '-c', X], '3:code'],
    [['toybox', 'sh', '-c', X], '3:code'],
    [['flock', '/tmp/lock', '-c', X], '3:code'],
    [['flock', '/tmp/lock', 'sh', '-c', X], '4:code'],
    [['chroot', '/srv/root', 'sh', '-c', X], '4:code'],
    [['time', '-o', 'out', 'sh', '-c', X], '5:code'],
    [['strace', '-f', 'sh', '-c', X], '4:code'],
    [['find', '.', '-name', '*.c', '-exec', 'sh', '-c', X, ';'], '7:code'],
    [['find', '.', '-execdir', 'bash', '-c', X, '{}', '+'], '5:code'],
    [['timeout', '5', 'env', 'nice', 'sudo', 'bash', '-c', X], '7:code'],
  ])('%j: %s', (argv, expected) => {
    expect(findings(argv)).toEqual(expected === '' ? [] : [expected]);
  });
});

describe('the program, scripts and options', () => {
  it.each([
    [[X, '-c', 'echo'], '0:program'],
    [[`/usr/bin/${X}`], '0:program'],
    [['env', X, 'x.sh'], '1:program'],
    [['timeout', '10', X], '2:program'],
    [['sudo', X], '1:program'],
    [['busybox', X, '-c', 'x'], '1:program'],
    [['find', '.', '-exec', X, ';'], '3:program'],
    [['bash', X], '1:script'],
    [['bash', `./${X}.sh`], '1:script'],
    [['bash', '--', X], '2:script'],
    [['python3', X], '1:script'],
    [['python3', '-m', X], '2:script'],
    [['node', '--require', X, 'x.js'], '2:script'],
    [['node', '-r', X, 'x.js'], '2:script'],
    [['perl', '-M', X, 'x.pl'], '2:script'],
    [['java', '-jar', X], '2:script'],
    [['node', '-e', 'main()', X], '3:option'],
    [['python3', '-W', X, 'x.py'], '2:option'],
    [['bash', '-o', X, 'x.sh'], '2:option'],
    [['sed', 's/a/b/', X], '2:option'],
    [['git', 'fetch', 'origin', X], '3:option'],
    [['git', '-c', X, 'status'], '2:code'],
    [['git', `--upload-pack=${X}`, 'clone', 'u'], '1:code'],
    [['tar', '-czf', 'out.tgz', X], '3:option'],
    [['tar', `--to-command=${X}`, '-xf', 'a.tar'], '1:code'],
    [['rsync', '-e', X, 'a', 'b'], '2:code'],
    [['find', '.', X], '2:option'],
    [['find', '.', '-fprint', X], '3:option'],
  ])('%j: %s', (argv, expected) => {
    expect(findings(argv)).toEqual([expected]);
  });

  it('refuses variables that run code in env and sudo assignments, and unknown assignments', () => {
    expect(findings(['env', `BASH_ENV=${X}`, 'bash', 'x.sh'])).toEqual(['1:assignment']);
    expect(findings(['env', 'BASH_ENV=/tmp/x', 'bash', 'x.sh'])).toEqual(['1:assignment']);
    expect(findings(['env', 'LD_PRELOAD=/tmp/x.so', 'ls'])).toEqual(['1:assignment']);
    expect(findings(['sudo', 'PYTHONPATH=/tmp', 'python3', 'x.py'])).toEqual(['1:assignment']);
    expect(findings(['env', `PATH=${X}`, 'ls'])).toEqual(['1:assignment']);
    expect(findings(['env', `FOO${X}`, 'ls'])).toEqual(['1:assignment']);
  });

  it('treats every argument of make, ssh, PowerShell, package runners and docker run as code', () => {
    expect(findings(['make', X])).toEqual(['1:everything']);
    expect(findings(['make', `CC=${X}`, 'all'])).toEqual(['1:everything']);
    expect(findings(['ssh', 'host', 'echo', X])).toEqual(['3:everything']);
    expect(findings(['pwsh', '-Command', X])).toEqual(['2:everything']);
    expect(findings(['pwsh', '-c', X])).toEqual(['2:everything']);
    expect(findings(['npx', X])).toEqual(['1:everything']);
    expect(findings(['docker', 'run', '--rm', 'alpine', 'sh', '-c', X])).toEqual(['6:everything']);
    expect(findings(['podman', 'container', 'exec', 'c1', X])).toEqual(['4:everything']);
    expect(findings(['kubectl', 'exec', 'pod', '--', X])).toEqual(['4:everything']);
  });
});

describe('near misses: data that stays allowed', () => {
  it.each([
    [['echo', X]],
    [['printf', '%s\\n', X]],
    [['curl', '-H', `X-Title: ${X}`, 'https://example.test']],
    [['./ci/test.sh', '--target', X]],
    [['bash', './x.sh', X]],
    [['bash', '-e', 'x.sh', X]],
    [['sh', '-c', 'echo "$1"', 'sh', X]],
    [['sh', '-c', 'echo "$1"', X]],
    [['bash', '-c', 'echo hi', X, X]],
    [['python3', 'x.py', X]],
    [['python3', '-u', 'x.py', '--title', X]],
    [['python3', '-c', 'import sys; print(sys.argv[1])', X]],
    [['node', 'script.js', X]],
    [['node', '--enable-source-maps', 'script.js', X]],
    [['node', '-e', 'console.log(process.argv[1])', 'arg', X]],
    [['node', '-e', 'console.log(process.argv)', '--', X]],
    [['perl', 'x.pl', X]],
    [['ruby', 'x.rb', X]],
    [['java', '-jar', 'app.jar', X]],
    [['awk', '-v', `title=${X}`, '{ print title }']],
    [['awk', '{ print }', X]],
    [['sed', 's/a/b/', '--', X]],
    [['sed', 's/a/b/', `./${X}`]],
    [['env', `TITLE=${X}`, 'sh', '-c', 'echo "$TITLE"']],
    [['timeout', '60', './ci/test.sh', X]],
    [['xargs', 'echo', X]],
    [['find', '.', '-name', X, '-print']],
    [['git', 'commit', '-m', X]],
    [['git', `--message=${X}`]],
    [['git', 'fetch', '--', X]],
    [['git', 'checkout', `refs/heads/${X}`]],
    [['tar', '-czf', 'out.tgz', '--', X]],
    [['docker', 'push', `registry.test/app:${X}`]],
    [['podman', 'push', X]],
    [['jq', '-r', X]],
    [['echo', 'sh', '-c', X]],
  ])('%j', (argv) => {
    expect(findings(argv)).toEqual([]);
  });
});

describe('environment variables', () => {
  it('knows the variables that make programs run code, whatever their value', () => {
    for (const name of [
      'BASH_ENV',
      'ENV',
      'NODE_OPTIONS',
      'PYTHONSTARTUP',
      'PYTHONPATH',
      'PERL5OPT',
      'PERL5LIB',
      'RUBYOPT',
      'LD_PRELOAD',
      'LD_LIBRARY_PATH',
      'LD_AUDIT',
      'DYLD_INSERT_LIBRARIES',
      'PROMPT_COMMAND',
      'SHELLOPTS',
      'BASHOPTS',
      'PS4',
      'IFS',
      'GIT_SSH_COMMAND',
      'GIT_EXTERNAL_DIFF',
      'GIT_CONFIG_COUNT',
      'GIT_CONFIG_KEY_0',
      'GIT_CONFIG_GLOBAL',
      'JAVA_TOOL_OPTIONS',
      '_JAVA_OPTIONS',
      'BASH_FUNC_ls%%',
      'GCONV_PATH',
      'OPENSSL_CONF',
      'LUA_INIT',
      'LUA_INIT_5_4',
    ])
      expect(codeEnvReason(name), name).toBeDefined();
  });

  it('lets literal values name programs, paths and flags, but not computed ones', () => {
    for (const name of ['PATH', 'HOME', 'CC', 'GIT_PAGER', 'MAKEFLAGS', 'npm_config_registry']) {
      expect(codeEnvReason(name), name).toBeUndefined();
      expect(commandEnvReason(name), name).toBeDefined();
    }
  });

  it('leaves ordinary names alone, and matches names exactly (env is case-sensitive)', () => {
    for (const name of ['TITLE', 'TARGET', 'PYTHONUNBUFFERED', 'GIT_AUTHOR_NAME', 'env', 'ifs'])
      expect([codeEnvReason(name), commandEnvReason(name)], name).toEqual([undefined, undefined]);
  });

  it('gives the exec handler the first refused name of an input', () => {
    expect(refusedEnv(['TITLE', 'BASH_ENV', 'LD_PRELOAD'])).toMatchObject({ name: 'BASH_ENV' });
    expect(refusedEnv(['TITLE', 'PATH'])).toBeUndefined();
  });
});

describe('program names', () => {
  it('are read without directory, case, .exe or version', () => {
    for (const name of ['/usr/bin/python3.12', 'Python3', 'python.exe', 'C:\\Python\\python'])
      expect(programRule(name)?.kind, name).toBe('interpreter');
    expect(programRule('./ci/test.sh')).toBeUndefined();
    expect(programRule('shellcheck')).toBeUndefined();
  });
});
