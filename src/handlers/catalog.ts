/**
 * The catalog: the names and input schemas of every handler forgeflow ships, what `uses:` may
 * name and what `with:` must look like. `validate`, `plan`, `run`, `serve` and `worker` all
 * check pipelines against it (the last three plus the operator's `--handlers`); the workers pair
 * each entry with its implementation (cli/service.ts `workerHandlers`, which refuses a worker
 * whose names differ from these). A handler that needs the operator's configuration (Copr and
 * Testing Farm tokens, a forge client) is in it all the same: without that configuration it
 * fails `NotConfigured` when it runs, not when the pipeline is checked.
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { registryOf } from '../contracts/handler-spec.js';
import { ENV_NAME_PATTERN } from '../compiler/schema/common.js';
import { packitSpecs } from './packit-catalog.js';

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

/** exec's output cap per stream: its default, and the most a pipeline may ask for. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const MIN_OUTPUT_BYTES = 1024;
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export const execSpec: HandlerSpec = {
  name: 'exec',
  description:
    'Run a program on the worker: an argv array, never through a shell unless `shell` is given.',
  scriptFields: ['shell'],
  input: {
    type: 'object',
    additionalProperties: false,
    properties: {
      command: {
        type: 'array',
        minItems: 1,
        items: { type: 'string' },
        description:
          'The program and its arguments; expression values are passed as single arguments.',
      },
      shell: {
        type: 'string',
        description:
          'A script for /bin/sh; it may read values only from env ("$NAME"), never from ${{ }}.',
      },
      cwd: {
        type: 'string',
        description: "Working directory, inside the attempt's own (a fresh one per attempt).",
      },
      env: {
        type: 'object',
        patternProperties: { [ENV_NAME_PATTERN]: { type: 'string' } },
        additionalProperties: false,
        description: 'Extra environment variables.',
      },
      max_output_bytes: {
        type: 'integer',
        minimum: MIN_OUTPUT_BYTES,
        maximum: MAX_OUTPUT_BYTES,
        description: `Cap on captured stdout and stderr each (default ${DEFAULT_MAX_OUTPUT_BYTES}).`,
      },
    },
    oneOf: [{ required: ['command'] }, { required: ['shell'] }],
  },
};

export const httpRequestSpec: HandlerSpec = {
  name: 'http.request',
  description:
    'Make an HTTP request; 4xx other than 408 and 429 fail without retrying (HttpClientError).',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      method: {
        enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        description: 'Default GET.',
      },
      url: { type: 'string', description: 'The URL.' },
      headers: { ...stringMap, description: 'Request headers.' },
      json: { description: 'A body sent as JSON.' },
      body: { type: 'string', description: 'A body sent as text.' },
    },
    not: { required: ['json', 'body'] },
  },
};

export const forgeStatusSpec: HandlerSpec = {
  name: 'forge.status',
  description: "Set a commit status on the event's forge.",
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['state', 'context'],
    properties: {
      state: { enum: ['pending', 'running', 'success', 'failure', 'error', 'canceled'] },
      context: { type: 'string', description: 'The status name, e.g. build:fedora-41-x86_64.' },
      description: { type: 'string' },
      target_url: { type: 'string' },
      sha: { type: 'string', description: "Default: the event's commit." },
    },
  },
};

export const forgeCommentSpec: HandlerSpec = {
  name: 'forge.comment',
  description: "Comment on the event's pull or merge request.",
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['body'],
    properties: {
      body: { type: 'string', minLength: 1 },
      pr: { type: 'integer', description: "Default: the event's pull request." },
    },
  },
};

/** Every handler forgeflow ships: the general ones, the forge's, and Packit's. */
export const BUILT_IN_HANDLERS: readonly HandlerSpec[] = [
  execSpec,
  httpRequestSpec,
  forgeStatusSpec,
  forgeCommentSpec,
  ...packitSpecs(),
];

/** The catalog as the compiler takes it. */
export const builtInRegistry = registryOf(BUILT_IN_HANDLERS);
