/**
 * exec's spec: what `uses: exec` may be given. Apart from exec.ts so the input checks
 * (exec-checks.ts) can share its output bounds without importing the handler.
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { ENV_NAME_PATTERN } from '../compiler/schema/common.js';
import { checkoutInputSchema } from './checkout/request.js';

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
      checkout: checkoutInputSchema,
    },
    oneOf: [{ required: ['command'] }, { required: ['shell'] }],
  },
};
