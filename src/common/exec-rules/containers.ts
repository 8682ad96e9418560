/**
 * The program rules of programs that run a command in a container, pod, sandbox or namespace
 * (docker, podman, kubectl, bwrap, unshare, …), for exec-rules.ts's table.
 */
import { everything, type ProgramEntry, type SubcommandRule } from './rule-types.js';

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

export const CONTAINERS_AND_SANDBOXES: readonly ProgramEntry[] = [
  ...['docker', 'podman', 'nerdctl'].map((name) => [name, CONTAINERS] as const),
  ['kubectl', KUBECTL],
  ...everything(
    ['bwrap', 'firejail', 'nsenter', 'unshare'],
    'it runs a command in a sandbox or namespace, and its options can run commands or choose what runs',
  ),
];
