/**
 * The program rules of language interpreters (python, node, perl, ruby, php, lua, R, julia,
 * java, tcl, awk, sed, …): their code options and what their first operand is, for
 * exec-rules.ts's table.
 */
import type { InterpreterRule, ProgramEntry } from './rule-types.js';

const PYTHON: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'os.environ["NAME"]',
  firstOperand: 'script',
  code: 'c',
  script: 'm',
  value: 'WX',
  flags: 'bBdEhiIOPqsSuvVxR?',
  codeEndsOptions: true,
  longValue: ['--check-hash-based-pycs'],
  longFlags: ['--help', '--version', '--help-env', '--help-xoptions', '--help-all'],
};

/** Node and the runners that take its options (tsx, ts-node). */
const NODE: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'process.env.NAME',
  firstOperand: 'script',
  code: 'ep',
  script: 'r',
  value: 'C',
  flags: 'chiv',
  unknownLongsAreFlags: true,
  longCode: ['--eval', '--print', '-pe'],
  longScript: [
    '--require',
    '--import',
    '--loader',
    '--experimental-loader',
    '--env-file',
    '--env-file-if-exists',
    '--openssl-config',
    '--experimental-policy',
    '--snapshot-blob',
    '--run',
  ],
  longValue: [
    '--conditions',
    '--input-type',
    '--title',
    '--inspect-port',
    '--redirect-warnings',
    '--report-directory',
    '--report-dir',
    '--report-filename',
    '--report-signal',
    '--diagnostic-dir',
    '--disable-warning',
    '--dns-result-order',
    '--heapsnapshot-signal',
    '--icu-data-dir',
    '--localstorage-file',
    '--policy-integrity',
    '--secure-heap',
    '--secure-heap-min',
    '--test-name-pattern',
    '--test-reporter',
    '--test-reporter-destination',
    '--test-shard',
    '--test-skip-pattern',
    '--tls-cipher-list',
    '--tls-keylog',
    '--trace-event-categories',
    '--trace-event-file-pattern',
    '--unhandled-rejections',
    '--use-largepages',
    '--watch-path',
    '--max-http-header-size',
    '--heap-prof-dir',
    '--heap-prof-name',
    '--cpu-prof-dir',
    '--cpu-prof-name',
    '--experimental-sea-config',
  ],
};

const PERL: InterpreterRule = {
  kind: 'interpreter',
  readEnv: '$ENV{NAME}',
  firstOperand: 'script',
  code: 'eE',
  script: 'MmI',
  glued: 'idDxFC',
  digits: 'l0',
  flags: 'acfhnpsStTuUvwWX',
};

const RUBY: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'ENV["NAME"]',
  firstOperand: 'script',
  code: 'e',
  script: 'rI',
  value: 'CE',
  glued: 'iKxWTF',
  digits: '0',
  flags: 'acdhlnpsSvwyU',
  longScript: ['--require'],
  longFlags: ['--version', '--verbose', '--copyright', '--help', '--jit', '--yjit', '--rjit'],
};

const PHP: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'getenv("NAME")',
  firstOperand: 'script',
  code: 'rBRE',
  script: 'fFzcd',
  value: 'tS',
  flags: 'ahHilmnqsvew',
  longCode: ['--run', '--process-begin', '--process-code', '--process-end'],
  longScript: ['--file', '--process-file', '--zend-extension', '--php-ini', '--define'],
  longFlags: [
    '--interactive',
    '--no-php-ini',
    '--syntax-check',
    '--info',
    '--modules',
    '--version',
    '--help',
    '--hide-args',
    '--no-header',
    '--strip',
    '--syntax-highlight',
    '--profile-info',
  ],
};

const LUA: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'os.getenv("NAME")',
  firstOperand: 'script',
  code: 'e',
  script: 'l',
  flags: 'ivEW',
};

const RSCRIPT: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'Sys.getenv("NAME")',
  firstOperand: 'script',
  code: 'e',
  unknownLongsAreFlags: true,
  longScript: ['--file'],
  longValue: ['--default-packages'],
};

const JULIA: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'ENV["NAME"]',
  firstOperand: 'script',
  code: 'eE',
  script: 'L',
  value: 'CJOgpt',
  flags: 'hvqi',
  longCode: ['--eval', '--print'],
  longScript: ['--load', '--sysimage'],
  unknownLongsAreFlags: false,
};

/** java: options are words (`-jar`, `-classpath`); the main class or jar is the code. */
const JAVA: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'System.getenv("NAME")',
  firstOperand: 'script',
  singleDashWords: true,
  codeEndsOptions: true,
  script: '',
  longScript: ['-jar', '-m', '--module', '-javaagent', '-agentpath', '-agentlib'],
  longValue: [
    '-cp',
    '-classpath',
    '--class-path',
    '-p',
    '--module-path',
    '--upgrade-module-path',
    '--add-modules',
    '--limit-modules',
    '--enable-native-access',
    '--source',
    '--add-reads',
    '--add-exports',
    '--add-opens',
    '--patch-module',
  ],
  unknownLongsAreFlags: true,
};

/** A language with -e for code and a script as its first operand, and no other valued option. */
function minimal(code: string, readEnv: string, longCode: readonly string[] = []): InterpreterRule {
  return { kind: 'interpreter', readEnv, firstOperand: 'script', code, longCode };
}

/** awk: the first operand is the program, unless -f (or gawk's -e/-E) gave it. */
const AWK: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'ENVIRON["NAME"]',
  firstOperand: 'code',
  code: 'e',
  script: 'fEil',
  data: 'vF',
  glued: 'dDLop',
  flags: 'bcCghMnNOPrsStVyY',
  longCode: ['--source'],
  longScript: ['--file', '--exec', '--include', '--load'],
  longData: ['--assign', '--field-separator'],
};

/** sed: the script is code (GNU sed's `e` command runs a shell); GNU getopt permutes. */
const SED: InterpreterRule = {
  kind: 'interpreter',
  readEnv: 'a literal script (sed cannot read the environment)',
  firstOperand: 'code',
  code: 'e',
  script: 'f',
  value: 'l',
  glued: 'i',
  flags: 'nrEsuzb',
  permutes: true,
  longCode: ['--expression'],
  longScript: ['--file'],
  longValue: ['--line-length'],
  longFlags: [
    '--quiet',
    '--silent',
    '--debug',
    '--posix',
    '--regexp-extended',
    '--separate',
    '--sandbox',
    '--unbuffered',
    '--null-data',
    '--follow-symlinks',
    '--binary',
    '--in-place',
    '--help',
    '--version',
  ],
};

export const INTERPRETERS: readonly ProgramEntry[] = [
  ['python', PYTHON],
  ['pypy', PYTHON],
  ['node', NODE],
  ['nodejs', NODE],
  ['tsx', NODE],
  ['ts-node', NODE],
  ['perl', PERL],
  ['ruby', RUBY],
  ['jruby', RUBY],
  ['php', PHP],
  ['php-cli', PHP],
  ['lua', LUA],
  ['luajit', LUA],
  ['rscript', RSCRIPT],
  ['julia', JULIA],
  ['java', JAVA],
  ['groovy', minimal('e', 'System.getenv("NAME")')],
  ['expect', minimal('c', '$env(NAME)')],
  ['tclsh', minimal('', '$env(NAME)')],
  ['wish', minimal('', '$env(NAME)')],
  ['jimsh', minimal('', '$env(NAME)')],
  ['awk', AWK],
  ['gawk', AWK],
  ['mawk', AWK],
  ['nawk', AWK],
  ['original-awk', AWK],
  ['goawk', AWK],
  ['sed', SED],
  ['gsed', SED],
];
