/**
 * The program rules of programs that run another program named in their argv: wrappers (env,
 * sudo, xargs, timeout, …), multi-call binaries (busybox) and find's -exec, for exec-rules.ts's
 * table.
 */
import type { ProgramEntry, WrapperRule } from './rule-types.js';

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

export const WRAPPERS: readonly ProgramEntry[] = [
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
];
