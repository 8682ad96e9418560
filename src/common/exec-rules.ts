/**
 * Which programs read code from their arguments, where in their argv that code is, which
 * programs run another program, and which environment variables make a program load or run
 * code: the lists behind DESIGN.md §2's rule that no expression reaches a shell's or an
 * interpreter's code. One table shared by the compiler (which refuses `${{ }}` in those places,
 * src/compiler/checks/exec-injection.ts through argv-analysis.ts) and the exec handler (which
 * refuses the variables at run time, whatever produced them: `refusedEnv`).
 *
 * At the bottom of the house: imports nothing. Names are compared lower-case after the
 * directory, a Windows `.exe` and a version suffix are taken off (`/usr/bin/python3.12` is
 * `python`), so a path, a case-insensitive file system or a versioned binary is no way around.
 * Options are read as clusters (`-ec` is -e and -c; a letter that takes a value takes the rest
 * of the cluster or the next argument). Where a program's options are not all known, an unknown
 * one is taken to have a value: a wrong guess then refuses more, never less.
 */

/** How a program's options are written: letters after one dash, long names after two. */
export interface OptionSyntax {
  /** Letters that take no value. */
  flags?: string;
  /** Letters whose value (the rest of the cluster, or the next argument) is code. */
  code?: string;
  /** Letters whose value names code to load or run (a module, a script, a library path). */
  script?: string;
  /** Letters whose value is plain data: an expression may be it (awk's -v). */
  data?: string;
  /** Other letters that take a value. */
  value?: string;
  /** Letters taking an optional value glued to them: the rest of the cluster (perl -i.bak). */
  glued?: string;
  /** Letters taking only digits glued to them (perl -l, -0). */
  digits?: string;
  /** Letters that make the first operand the code (a shell's -c). */
  operandCode?: string;
  /** Letters that make the rest of the argv a shell command line (sudo -s). */
  shell?: string;
  longFlags?: readonly string[];
  longCode?: readonly string[];
  longScript?: readonly string[];
  longData?: readonly string[];
  longValue?: readonly string[];
  longShell?: readonly string[];
  /** Letters not listed take no value (true for shells, whose only valued options are listed). */
  unknownLettersAreFlags?: boolean;
  /** Long options not listed take no value (node's, whose valued ones are listed). */
  unknownLongsAreFlags?: boolean;
  /** Options are words after one dash (`-jar`, `-classpath`): java. */
  singleDashWords?: boolean;
  /** `+o` is an option too (shells). */
  plus?: boolean;
}

/** A shell or a language interpreter: code in an option's value or in its first operand. */
export interface InterpreterRule extends OptionSyntax {
  kind: 'interpreter';
  /** How a script of this language reads an environment variable: the safe pattern. */
  readEnv: string;
  /** What the first operand is when no code option came: a script file, or the program text. */
  firstOperand: 'script' | 'code';
  /** After a code option's value the rest of argv is data (python -c); else options go on. */
  codeEndsOptions?: boolean;
  /** GNU getopt permutes: options may follow operands, so only `--` ends them (sed). */
  permutes?: boolean;
}

/** A program that runs another one: `env`, `timeout`, `sudo`, `xargs`, … */
export interface WrapperRule extends OptionSyntax {
  kind: 'wrapper';
  /** Operands before the program (timeout's DURATION, chroot's NEWROOT). */
  leading?: number;
  /** NAME=VALUE operands set variables for the program (env, sudo). */
  assignments?: boolean;
  /** A letter whose value is split into words put before the program (env -S). */
  split?: string;
  longSplit?: readonly string[];
}

/** A program that reads every argument as code of its own (make, ssh, PowerShell, …). */
export interface EverythingRule {
  kind: 'everything';
  /** Why, shown in the diagnostic: what the program does with its arguments. */
  why: string;
  readEnv: string;
}

/**
 * A program that runs commands named in some of its options (git's --upload-pack, tar's
 * --to-command): a value that begins an argument could become such an option, until `--`.
 */
export interface OptionCommandRule {
  kind: 'option-command';
  /** Letters and long options whose value runs a command (or sets config that can). */
  code: string;
  longCode: readonly string[];
  /** Options whose next argument is taken as their value, whatever it looks like. */
  data?: string;
  longData?: readonly string[];
  /** An example of an option that runs a command, for the diagnostic. */
  example: string;
}

/** `busybox sh -c …`: the first argument names the program (an applet). */
export interface MultiCallRule {
  kind: 'multi-call';
}

/** `find … -exec PROGRAM … ;`: predicates, of which some run a program. */
export interface FindRule {
  kind: 'find';
}

/**
 * A program with subcommands, some of which run a command (`docker run IMAGE COMMAND…`): after
 * one of those every argument is code; the others take their arguments as data.
 */
export interface SubcommandRule extends OptionSyntax {
  kind: 'subcommands';
  /** Subcommands after which every argument may be code; a word leading to another subcommand maps to its own list. */
  running: ReadonlyMap<string, readonly string[] | true>;
  why: string;
}

export type ProgramRule =
  | InterpreterRule
  | WrapperRule
  | EverythingRule
  | OptionCommandRule
  | MultiCallRule
  | FindRule
  | SubcommandRule;

const SH_ENV = '"$NAME"';

// ---- shells ---------------------------------------------------------------------------------

/** POSIX shells and bash: -c makes the first operand the code; only -o and -O take values. */
const POSIX_SHELL: InterpreterRule = {
  kind: 'interpreter',
  readEnv: SH_ENV,
  firstOperand: 'script',
  operandCode: 'c',
  value: 'oO',
  plus: true,
  unknownLettersAreFlags: true,
  longValue: ['--rcfile', '--init-file'],
  longFlags: [
    '--login',
    '--noprofile',
    '--norc',
    '--posix',
    '--restricted',
    '--verbose',
    '--version',
    '--debugger',
    '--dump-strings',
    '--dump-po-strings',
    '--help',
    '--noediting',
    '--pretty-print',
  ],
};

/** fish: -c and -C (an init command) take the code as their value. */
const FISH: InterpreterRule = {
  kind: 'interpreter',
  readEnv: SH_ENV,
  firstOperand: 'script',
  code: 'cC',
  value: 'dfop',
  flags: 'hilnNPv',
  longCode: ['--command', '--init-command'],
  longValue: ['--debug', '--debug-output', '--features', '--profile', '--profile-startup'],
  longFlags: [
    '--interactive',
    '--login',
    '--no-execute',
    '--no-config',
    '--private',
    '--print-rusage-self',
    '--print-debug-categories',
    '--help',
    '--version',
  ],
};

/** csh and tcsh: -c makes the first operand the code. */
const CSH: InterpreterRule = {
  kind: 'interpreter',
  readEnv: SH_ENV,
  firstOperand: 'script',
  operandCode: 'c',
  unknownLettersAreFlags: true,
};

// ---- language interpreters -----------------------------------------------------------------

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

// ---- programs that run programs -------------------------------------------------------------

const wrapper = (rule: Omit<WrapperRule, 'kind'>): WrapperRule => ({
  kind: 'wrapper',
  ...rule,
});

const ENV: WrapperRule = wrapper({
  flags: 'i0v',
  value: 'uCP',
  split: 'S',
  assignments: true,
  longFlags: ['--ignore-environment', '--null', '--debug', '--list-signal-handling'],
  longValue: ['--unset', '--chdir'],
  longSplit: ['--split-string'],
});

const SUDO: WrapperRule = wrapper({
  flags: 'AbEeHKklnPSVvB',
  value: 'CDghpRrTtUu',
  shell: 'si',
  assignments: true,
  longFlags: [
    '--askpass',
    '--background',
    '--preserve-env',
    '--edit',
    '--set-home',
    '--remove-timestamp',
    '--reset-timestamp',
    '--list',
    '--non-interactive',
    '--preserve-groups',
    '--stdin',
    '--validate',
    '--version',
    '--bell',
  ],
  longValue: [
    '--close-from',
    '--chdir',
    '--group',
    '--host',
    '--prompt',
    '--chroot',
    '--role',
    '--command-timeout',
    '--type',
    '--other-user',
    '--user',
  ],
  longShell: ['--shell', '--login'],
});

const XARGS: WrapperRule = wrapper({
  flags: '0oprtx',
  value: 'adEILnPs',
  glued: 'lie',
  longFlags: [
    '--null',
    '--open-tty',
    '--interactive',
    '--no-run-if-empty',
    '--verbose',
    '--exit',
    '--show-limits',
    '--eof',
    '--replace',
    '--max-lines',
  ],
  longValue: [
    '--arg-file',
    '--delimiter',
    '--max-args',
    '--max-procs',
    '--max-chars',
    '--process-slot-var',
  ],
});

const IN_CONTAINER = ['run', 'exec', 'create'] as const;

/** docker, podman: `run`, `exec` and `create` (also under `container`) run a command. */
const CONTAINERS: SubcommandRule = {
  kind: 'subcommands',
  running: new Map<string, readonly string[] | true>([
    ...IN_CONTAINER.map((name) => [name, true] as const),
    ['container', IN_CONTAINER],
    ['compose', ['run', 'exec']],
    ['buildx', ['bake']],
  ]),
  why: 'it runs a command in a container (and its options, such as --entrypoint, choose what runs)',
  flags: 'Dv',
  value: 'clH',
  longValue: [
    '--config',
    '--context',
    '--host',
    '--log-level',
    '--tlscacert',
    '--tlscert',
    '--tlskey',
    '--root',
    '--runroot',
    '--url',
    '--connection',
    '--identity',
    '--storage-driver',
    '--cgroup-manager',
  ],
};

const KUBECTL: SubcommandRule = {
  kind: 'subcommands',
  running: new Map<string, readonly string[] | true>([
    ['exec', true],
    ['run', true],
    ['debug', true],
    ['attach', true],
  ]),
  why: 'it runs a command in a pod',
  value: 'ns',
  longValue: [
    '--namespace',
    '--context',
    '--cluster',
    '--kubeconfig',
    '--server',
    '--user',
    '--token',
  ],
};

/** Programs by name (lower-case, without directory, `.exe` or version). */
export const PROGRAMS: ReadonlyMap<string, ProgramRule> = new Map<string, ProgramRule>([
  ...['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'pdksh', 'ksh93', 'lksh', 'oksh', 'posh'].map(
    (name) => [name, POSIX_SHELL] as const,
  ),
  ...['zsh', 'yash', 'rbash', 'hush', 'loksh'].map((name) => [name, POSIX_SHELL] as const),
  ['fish', FISH],
  ['csh', CSH],
  ['tcsh', CSH],
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
  ['env', ENV],
  ['sudo', SUDO],
  ['doas', wrapper({ flags: 'nL', value: 'uC', shell: 's' })],
  ['xargs', XARGS],
  ['nice', wrapper({ value: 'n', longValue: ['--adjustment'] })],
  ['nohup', wrapper({})],
  ['command', wrapper({ flags: 'pvV' })],
  [
    'timeout',
    wrapper({
      flags: 'v',
      value: 'sk',
      leading: 1,
      longFlags: ['--preserve-status', '--foreground', '--verbose'],
      longValue: ['--signal', '--kill-after'],
    }),
  ],
  [
    'time',
    wrapper({
      flags: 'apqvV',
      value: 'of',
      longFlags: ['--append', '--portability', '--quiet', '--verbose'],
      longValue: ['--output', '--format'],
    }),
  ],
  ['stdbuf', wrapper({ value: 'ioe', longValue: ['--input', '--output', '--error'] })],
  ['setsid', wrapper({ flags: 'cfw', longFlags: ['--ctty', '--fork', '--wait'] })],
  ['ionice', wrapper({ flags: 't', value: 'cnpPu' })],
  ['chrt', wrapper({ flags: 'abdefiomrRv', value: 'TPD', leading: 1 })],
  ['taskset', wrapper({ flags: 'acV', leading: 1 })],
  ['chroot', wrapper({ leading: 1, longFlags: ['--skip-chdir'] })],
  [
    'flock',
    wrapper({
      flags: 'sxeunoFv',
      value: 'wE',
      code: 'c',
      leading: 1,
      longCode: ['--command'],
      longFlags: ['--shared', '--exclusive', '--unlock', '--nonblock', '--no-fork', '--verbose'],
      longValue: ['--wait', '--timeout', '--conflict-exit-code'],
    }),
  ],
  ['strace', wrapper({ flags: 'cCdDfFhiqrtTvVwxyYzZk' })],
  ['ltrace', wrapper({ flags: 'bcCdfhiLrStTV' })],
  ['valgrind', wrapper({ flags: 'qvhd' })],
  ['catchsegv', wrapper({})],
  [
    'xvfb-run',
    wrapper({ flags: 'al', value: 'efnpsw', longFlags: ['--auto-servernum', '--listen-tcp'] }),
  ],
  ['dbus-run-session', wrapper({})],
  ['faketime', wrapper({ flags: 'fm', value: 'p', leading: 1 })],
  ['fakeroot', wrapper({ value: 'lsi', longFlags: ['--unknown-is-real'] })],
  ['busybox', { kind: 'multi-call' }],
  ['toybox', { kind: 'multi-call' }],
  ['find', { kind: 'find' }],
  [
    'git',
    {
      kind: 'option-command',
      code: 'cu',
      longCode: [
        '--upload-pack',
        '--receive-pack',
        '--exec',
        '--config',
        '--config-env',
        '--exec-path',
        '--template',
        '--ext-diff',
        '--open-files-in-pager',
      ],
      data: 'mbB',
      longData: ['--message', '--branch', '--author', '--date', '--depth', '--format'],
      example: '--upload-pack=COMMAND',
    },
  ],
  [
    'hg',
    {
      kind: 'option-command',
      code: '',
      longCode: ['--config', '--debugger', '--cwd', '--repository'],
      data: 'm',
      longData: ['--message', '--user', '--date'],
      example: '--config=alias.x=!COMMAND',
    },
  ],
  [
    'tar',
    {
      kind: 'option-command',
      code: 'IFf',
      longCode: [
        '--use-compress-program',
        '--to-command',
        '--checkpoint-action',
        '--info-script',
        '--new-volume-script',
        '--rsh-command',
        '--file',
      ],
      example: '--checkpoint-action=exec=COMMAND',
    },
  ],
  [
    'rsync',
    {
      kind: 'option-command',
      code: 'e',
      longCode: ['--rsh', '--rsync-path', '--config'],
      example: '--rsh=COMMAND',
    },
  ],
  [
    'zip',
    {
      kind: 'option-command',
      code: '',
      longCode: ['--unzip-command'],
      example: '-TT COMMAND',
    },
  ],
  ...everything(
    ['make', 'gmake', 'bmake', 'remake'],
    'make reads each argument as make code (an option, a VAR=value assignment whose value make expands, or a target)',
    '$(NAME)',
  ),
  ...everything(
    ['ssh', 'scp', 'sftp'],
    'ssh passes its arguments to a shell on the remote host (and options such as -oProxyCommand run commands here)',
  ),
  ...everything(['su', 'runuser'], 'su runs its -c argument, and what follows, as shell code'),
  ...everything(
    ['pwsh', 'powershell', 'pwsh-preview'],
    'PowerShell joins the arguments of -Command into code, and its parameters may be abbreviated',
    '$env:NAME',
  ),
  ...everything(['cmd'], 'cmd runs its /c argument and what follows as a command line', '%NAME%'),
  ...everything(
    ['watch', 'parallel', 'sem', 'tmux', 'screen', 'script', 'systemd-run'],
    'it passes its arguments to a shell as one command line',
  ),
  ...everything(
    ['gdb', 'lldb', 'erl', 'iex', 'elixir', 'r', 'osascript', 'deno', 'bun', 'bunx'],
    'it reads code in many of its arguments (commands, expressions, scripts)',
  ),
  ...['docker', 'podman', 'nerdctl'].map((name) => [name, CONTAINERS] as const),
  ['kubectl', KUBECTL],
  ...everything(
    ['bwrap', 'firejail', 'nsenter', 'unshare'],
    'it runs a command in a sandbox or namespace, and its options can run commands or choose what runs',
  ),
  ...everything(
    ['nix-shell', 'nix', 'conda', 'mamba', 'micromamba', 'poetry', 'pipenv', 'uv', 'uvx'],
    'it runs commands (or scripts of a project) named in its arguments',
  ),
  ...everything(
    ['npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'pip', 'pipx', 'gem', 'bundle'],
    'a package name or script in its arguments chooses code that it installs or runs',
  ),
]);

function everything(
  names: readonly string[],
  why: string,
  readEnv = SH_ENV,
): [string, EverythingRule][] {
  return names.map((name) => [name, { kind: 'everything', why, readEnv }]);
}

/** `/usr/bin/Python3.12.exe` → `python3.12`: how a program is looked up and shown. */
export function programName(program: string): string {
  const base = program.slice(Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\')) + 1);
  return base.toLowerCase().replace(/\.exe$/, '');
}

/** The rule for a program (by its argv[0]), or undefined for one that runs no code of its arguments. */
export function programRule(program: string): ProgramRule | undefined {
  const name = programName(program);
  // python3.12, perl5.36, lua5.4, php8.2, tclsh8.6, pip3, bash5.2: the version comes off.
  return PROGRAMS.get(name) ?? PROGRAMS.get(name.replace(/[-_]?[\d.]+$/, ''));
}

// ---- environment variables -----------------------------------------------------------------

/**
 * Variables that make a program load or run code (a startup file, a library, a module, a
 * command), refused in every `env:` whatever their value: a literal one is as much a way to
 * run code as a `${{ }}` one, and the exec handler refuses them too.
 */
const CODE_ENV: ReadonlyMap<string, string> = new Map([
  ['BASH_ENV', 'makes bash run the file it names before any script'],
  ['ENV', 'makes sh (dash, ksh, bash in POSIX mode) run the file it names at start'],
  ['PROMPT_COMMAND', 'is run by bash as a command before each prompt'],
  ['PS0', 'is expanded by bash, running any $(…) in it'],
  ['PS1', 'is expanded by shells, running any $(…) in it'],
  ['PS2', 'is expanded by shells, running any $(…) in it'],
  ['PS3', 'is expanded by shells, running any $(…) in it'],
  ['PS4', 'is expanded by shells for each traced line (set -x), running any $(…) in it'],
  ['SHELLOPTS', 'switches on shell options (xtrace with PS4, …) in every bash the step starts'],
  ['BASHOPTS', 'switches on bash options (extdebug, …) in every bash the step starts'],
  ['IFS', "changes how the shell splits words, and so what a script's commands are"],
  ['BASH_XTRACEFD', 'makes bash write its trace to any open file descriptor'],
  ['BASH_LOADABLES_PATH', 'is where bash loads builtins (shared libraries) from'],
  ['ZDOTDIR', 'is where zsh reads its startup files (code) from'],
  ['FPATH', 'is where ksh and zsh load functions (code) from'],
  ['GCONV_PATH', 'makes glibc load character-set converters (shared libraries) from it'],
  ['PYTHONSTARTUP', 'names a file Python runs at start'],
  ['PYTHONPATH', 'is where Python imports modules (code) from first'],
  ['PYTHONHOME', 'chooses the Python library (code) every python uses'],
  ['PYTHONUSERBASE', 'is where Python imports user site-packages (and their .pth code) from'],
  ['PYTHONBREAKPOINT', 'names a callable Python imports and runs on breakpoint()'],
  ['PYTHONWARNINGS', 'can name warning categories Python imports (code) at start'],
  ['PYTHONPLATLIBDIR', 'chooses where Python loads its library modules from'],
  ['PYTHONEXECUTABLE', 'changes which program Python believes it is'],
  ['NODE_OPTIONS', 'passes options to every node, such as --require=FILE, which runs code'],
  ['NODE_PATH', 'is where node resolves modules (code) from'],
  ['NODE_REPL_EXTERNAL_MODULE', 'names a module node runs instead of its REPL'],
  ['PERL5OPT', 'passes options to every perl, such as -M or -e code'],
  ['PERL5LIB', 'is where perl loads modules (code) from first'],
  ['PERLLIB', 'is where perl loads modules (code) from first'],
  ['PERL5DB', 'is perl code run for the debugger'],
  ['RUBYOPT', 'passes options to every ruby, such as -r FILE, which runs code'],
  ['RUBYLIB', 'is where ruby loads libraries (code) from first'],
  ['JAVA_TOOL_OPTIONS', 'passes options to every JVM, such as -javaagent, which runs code'],
  ['_JAVA_OPTIONS', 'passes options to every JVM, such as -javaagent, which runs code'],
  ['JDK_JAVA_OPTIONS', 'passes options to every java launcher, such as -javaagent'],
  ['DOTNET_STARTUP_HOOKS', 'names assemblies .NET runs at start'],
  ['DOTNET_ADDITIONAL_DEPS', 'adds assemblies (code) .NET loads'],
  ['CORECLR_ENABLE_PROFILING', 'makes .NET load a profiler (a shared library)'],
  ['COR_ENABLE_PROFILING', 'makes .NET load a profiler (a shared library)'],
  ['GIT_SSH', 'is the program git runs to reach a remote'],
  ['GIT_SSH_COMMAND', 'is a command git runs (through a shell) to reach a remote'],
  ['GIT_EXTERNAL_DIFF', 'is a program git runs for every diff'],
  ['GIT_ASKPASS', 'is a program git runs to ask for a password'],
  ['GIT_PROXY_COMMAND', 'is a command git runs to connect'],
  ['GIT_EXEC_PATH', 'is where git finds the programs of its subcommands'],
  ['GIT_TEMPLATE_DIR', 'is where git copies hooks (code it runs later) from'],
  ['GIT_SEQUENCE_EDITOR', 'is a command git runs during a rebase'],
  ['GIT_CONFIG', 'names a config file git reads (aliases and hooks run commands)'],
  ['GIT_CONFIG_PARAMETERS', 'sets git config (aliases and hooks run commands)'],
  ['SSH_ASKPASS', 'is a program ssh runs to ask for a password'],
  ['SUDO_ASKPASS', 'is a program sudo runs to ask for a password'],
  ['LESSOPEN', 'is a command less runs on every file it opens'],
  ['LESSCLOSE', 'is a command less runs on every file it closes'],
  ['OPENSSL_CONF', 'makes OpenSSL read a config that loads engines (shared libraries)'],
  ['OPENSSL_ENGINES', 'is where OpenSSL loads engines (shared libraries) from'],
  ['OPENSSL_MODULES', 'is where OpenSSL loads providers (shared libraries) from'],
  ['PHPRC', 'makes PHP read a php.ini (auto_prepend_file runs code)'],
  ['PHP_INI_SCAN_DIR', 'makes PHP read more .ini files (auto_prepend_file runs code)'],
  ['R_PROFILE', 'names R code run at start'],
  ['R_PROFILE_USER', 'names R code run at start'],
  ['R_ENVIRON', 'names a file R reads at start'],
  ['R_ENVIRON_USER', 'names a file R reads at start'],
  ['ERL_FLAGS', 'passes flags to every Erlang VM, such as -eval code'],
  ['ERL_AFLAGS', 'passes flags to every Erlang VM, such as -eval code'],
  ['ERL_ZFLAGS', 'passes flags to every Erlang VM, such as -eval code'],
  ['ELIXIR_ERL_OPTIONS', 'passes flags to the Erlang VM, such as -eval code'],
  ['TCLLIBPATH', 'is where Tcl loads packages (code) from'],
  ['RUSTC_WRAPPER', 'is a program cargo runs instead of rustc'],
  ['RUSTC_WORKSPACE_WRAPPER', 'is a program cargo runs instead of rustc'],
  ['CARGO_BUILD_RUSTC_WRAPPER', 'is a program cargo runs instead of rustc'],
  ['BUNDLE_GEMFILE', 'names the Gemfile (Ruby code) bundler runs'],
]);

/** Prefixes of such variables (LD_PRELOAD, DYLD_INSERT_LIBRARIES, BASH_FUNC_x%%, …). */
const CODE_ENV_PREFIXES: readonly (readonly [string, string])[] = [
  ['LD_', 'is read by the dynamic linker (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT load code)'],
  ['DYLD_', 'is read by the dynamic linker (DYLD_INSERT_LIBRARIES loads code)'],
  ['BASH_FUNC_', 'defines a bash function that every bash the step starts imports'],
  ['GIT_CONFIG_', 'sets git config (aliases, core.sshCommand and hooks run commands)'],
  ['LUA_INIT', 'is Lua code (or a file of it) lua runs at start'],
  ['LUA_PATH', 'is where Lua loads modules (code) from'],
  ['LUA_CPATH', 'is where Lua loads C modules (shared libraries) from'],
  ['CORECLR_PROFILER', 'makes .NET load a profiler (a shared library)'],
  ['COR_PROFILER', 'makes .NET load a profiler (a shared library)'],
];

/**
 * Variables whose value names a program, a search path, a config location or flags that a
 * program acts on: a literal value is the config author's choice (`CC: clang`, `GIT_PAGER:
 * cat`), but a `${{ }}` value would let event data choose what runs. Checked by the compiler.
 */
const COMMAND_ENV: ReadonlyMap<string, string> = new Map([
  ['PATH', 'chooses which programs run'],
  ['HOME', 'is where programs read their startup and config files (.bashrc, .gitconfig)'],
  ['XDG_CONFIG_HOME', 'is where programs read their config files (git, fish, …)'],
  ['XDG_CONFIG_DIRS', 'is where programs read their config files'],
  ['CDPATH', 'changes where cd goes'],
  ['SHELL', 'is the shell programs start for commands'],
  ['EDITOR', 'is a command programs run'],
  ['VISUAL', 'is a command programs run'],
  ['PAGER', 'is a command programs run'],
  ['MANPAGER', 'is a command man runs'],
  ['GIT_PAGER', 'is a command git runs'],
  ['GIT_EDITOR', 'is a command git runs'],
  ['GIT_DIR', 'chooses the repository (and so the hooks and config) git uses'],
  ['GIT_WORK_TREE', 'chooses the working tree git uses'],
  ['BROWSER', 'is a command programs run'],
  ['CC', 'is the compiler command build tools run'],
  ['CXX', 'is the compiler command build tools run'],
  ['CPP', 'is the preprocessor command build tools run'],
  ['LD', 'is the linker command build tools run'],
  ['AR', 'is a command build tools run'],
  ['AS', 'is a command build tools run'],
  ['MAKE', 'is the make command build tools run'],
  ['MAKEFLAGS', 'passes options to make, such as --eval'],
  ['MFLAGS', 'passes options to make'],
  ['GNUMAKEFLAGS', 'passes options to make, such as --eval'],
  ['CFLAGS', 'passes flags to the compiler, such as -fplugin=FILE'],
  ['CXXFLAGS', 'passes flags to the compiler, such as -fplugin=FILE'],
  ['CPPFLAGS', 'passes flags to the preprocessor'],
  ['LDFLAGS', 'passes flags to the linker'],
  ['GOFLAGS', 'passes flags to go, such as -toolexec=COMMAND'],
  ['RUSTFLAGS', 'passes flags to rustc, such as -C linker=COMMAND'],
  ['CLASSPATH', 'is where java loads classes (code) from'],
  ['MAVEN_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['GRADLE_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['JAVA_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['ANT_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['SBT_OPTS', 'passes options to the JVM, such as -javaagent'],
  ['GEM_HOME', 'is where Ruby loads gems (code) from'],
  ['GEM_PATH', 'is where Ruby loads gems (code) from'],
]);

const COMMAND_ENV_PREFIXES: readonly (readonly [string, string])[] = [
  ['npm_config_', 'sets npm config (script-shell, node-options run commands)'],
  ['NPM_CONFIG_', 'sets npm config (script-shell, node-options run commands)'],
  ['CARGO_TARGET_', 'sets cargo target settings (runner, linker run commands)'],
  ['CMAKE_', 'sets CMake settings (compiler launchers run commands)'],
];

function byName(
  name: string,
  exact: ReadonlyMap<string, string>,
  prefixes: readonly (readonly [string, string])[],
): string | undefined {
  return exact.get(name) ?? prefixes.find(([prefix]) => name.startsWith(prefix))?.[1];
}

/** Why this variable makes a program run code, whatever its value; undefined if it does not. */
export function codeEnvReason(name: string): string | undefined {
  return byName(name, CODE_ENV, CODE_ENV_PREFIXES);
}

/** Why this variable's value may not come from an expression; undefined if it may. */
export function commandEnvReason(name: string): string | undefined {
  return byName(name, COMMAND_ENV, COMMAND_ENV_PREFIXES);
}

/**
 * For the exec handler, on the evaluated input: the first variable that makes a program run
 * code, and why; undefined when there is none. (Whether a value came from an expression is
 * known only to the compiler, which checks `commandEnvReason` too.)
 */
export function refusedEnv(names: Iterable<string>): { name: string; why: string } | undefined {
  for (const name of names) {
    const why = codeEnvReason(name);
    if (why !== undefined) return { name, why };
  }
  return undefined;
}
