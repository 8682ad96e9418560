/**
 * The expression language's vocabulary: the contexts and functions forgeflow adds to GitHub
 * Actions' built-in functions, and which fields each context has, so a typo such as
 * `event.pull_request` is caught at compile time with a suggestion instead of evaluating to null.
 */
import type { FunctionInfo } from '@actions/expressions/funcs/info';

export const CONTEXTS = [
  'event',
  'env',
  'matrix',
  'needs',
  'run',
  'output',
  'secrets',
  'inputs',
] as const;
export type ContextName = (typeof CONTEXTS)[number];

/** Job-status functions; allowed only in `if:`, as in GitHub Actions. */
export const STATUS_FUNCTIONS: FunctionInfo[] = [
  {
    name: 'success',
    minArgs: 0,
    maxArgs: 0,
    description: 'True when every needed node succeeded.',
  },
  {
    name: 'failure',
    minArgs: 0,
    maxArgs: 0,
    description: 'True when a needed node failed or timed out.',
  },
  {
    name: 'always',
    minArgs: 0,
    maxArgs: 0,
    description: 'Always true: run whatever happened before.',
  },
  { name: 'cancelled', minArgs: 0, maxArgs: 0, description: 'True when the run was cancelled.' },
];

/** Fields of `event` and of its objects (mirrors src/events/event.ts; a test keeps the two equal). */
export const EVENT_FIELDS: Record<string, readonly string[]> = {
  '': [
    'forge',
    'kind',
    'action',
    'repo',
    'sha',
    'ref',
    'branch',
    'tag',
    'pr',
    'comment',
    'release',
    'sender',
    'changed_paths',
    'deleted',
    'payload',
  ],
  repo: ['full_name', 'owner', 'name', 'id', 'html_url', 'clone_url', 'default_branch', 'private'],
  pr: [
    'number',
    'title',
    'url',
    'author',
    'head_sha',
    'head_ref',
    'base_ref',
    'base_sha',
    'labels',
    'draft',
    'merged',
    'state',
    'from_fork',
  ],
  comment: ['id', 'body', 'author', 'author_association', 'url'],
  release: ['tag', 'name', 'draft', 'prerelease', 'url'],
  sender: ['login', 'id'],
};

/** `run.server_url`: the server's own address (its public URL), as GitHub's `github.server_url`. */
export const RUN_FIELDS = ['id', 'url', 'server_url', 'pipeline', 'attempt'] as const;
export const NEEDS_FIELDS = ['output', 'result'] as const;
