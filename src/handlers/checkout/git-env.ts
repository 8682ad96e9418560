/**
 * The environment every checkout git runs with, built from nothing of the worker's but PATH: no
 * system or global configuration, HOME an empty folder (no ~/.netrc, no credential store), no
 * prompts, only the protocols named (no ext::, no file:// unless ours), no hooks, submodules or
 * LFS downloads, no automatic gc, a stalled transfer abandoned. Configuration that would be
 * `git -c` goes through GIT_CONFIG_COUNT, so that what is secret in it (the forge's
 * Authorization header) is never on a command line.
 */
export type GitProtocol = 'https' | 'http' | 'file';

export interface GitEnvOptions {
  /** An empty folder of the attempt's own. */
  home: string;
  protocols: readonly GitProtocol[];
  config?: readonly (readonly [string, string])[];
}

const HARDENING: readonly (readonly [string, string])[] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['credential.helper', ''],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['fetch.recurseSubmodules', 'false'],
  ['submodule.recurse', 'false'],
  ['http.lowSpeedLimit', '1000'],
  ['http.lowSpeedTime', '60'],
  ['advice.detachedHead', 'false'],
  ['init.defaultBranch', 'main'],
  ['protocol.allow', 'never'],
];

export function gitEnv(options: GitEnvOptions): Record<string, string> {
  const config = [
    ...HARDENING,
    ...options.protocols.map((name) => [`protocol.${name}.allow`, 'always'] as const),
    ...(options.config ?? []),
  ];
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: options.home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ALLOW_PROTOCOL: options.protocols.join(':'),
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_CONFIG_COUNT: String(config.length),
    ...Object.fromEntries(
      config.flatMap(([key, value], i) => [
        [`GIT_CONFIG_KEY_${i}`, key],
        [`GIT_CONFIG_VALUE_${i}`, value],
      ]),
    ),
  };
}
