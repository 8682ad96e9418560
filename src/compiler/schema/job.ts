/** A job under `jobs:`: exactly one of `uses` (a handler), `sleep` (a timer) or `wait_for` (a signal). */
import Type, { type Static } from 'typebox';
import { CheckoutSchema } from './checkout.js';
import { COMPILE_LIMITS } from '../limits.js';
import { Duration, EnvMap, OneOrMany, Scalar, SIGNAL_PATTERN } from './common.js';
import { RetryPolicySchema, timeoutFields } from './policy.js';
import { TriggerNameSchema } from './triggers.js';

const MatrixCombination = Type.Record(Type.String(), Scalar, {
  description: 'One combination of matrix values.',
});

export const MatrixSchema = Type.Object(
  {
    include: Type.Optional(
      Type.Array(MatrixCombination, {
        description:
          'Combinations to add; one whose values do not conflict with an existing combination extends it instead (GitHub Actions semantics).',
      }),
    ),
    exclude: Type.Optional(
      Type.Array(MatrixCombination, {
        description: 'Combinations to leave out: every combination matching all the given values.',
      }),
    ),
  },
  {
    additionalProperties: Type.Array(Scalar, {
      minItems: 1,
      description: 'The values of one matrix key.',
    }),
    description:
      'Run one node per combination of these values (`target: [fedora-41-x86_64, fedora-42-x86_64]`). Node ids read `job[value]`.',
  },
);

export const PollSchema = Type.Object(
  {
    uses: Type.String({ description: 'The handler called on each poll.' }),
    with: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "The poll handler's input. `${{ output }}` is the job's first call's output.",
      }),
    ),
    every: Duration('Wait between two polls.'),
    until: Type.String({
      description:
        "An expression over `output` (the latest poll's output) that ends the poll when true, e.g. \"${{ output.body.state == 'succeeded' }}\".",
    }),
    timeout: Type.Optional(Duration('Give up polling after this long; the node times out.')),
    backoff_coefficient: Type.Optional(
      Type.Number({
        minimum: 1,
        description: 'Grow the wait between polls by this factor each time. Default 1.',
      }),
    ),
    maximum_interval: Type.Optional(
      Duration('The longest wait between two polls when backing off.'),
    ),
    retry: Type.Optional(RetryPolicySchema),
    signal: Type.Optional(
      Type.String({
        pattern: SIGNAL_PATTERN,
        description:
          'A signal that ends the poll early (an external system reporting "build finished"); its payload becomes the output.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'After the first call, poll in a child run: call `uses` every `every` until `until` holds or `timeout` passes. The last poll output becomes the node output.',
  },
);

export const WaitForSchema = Type.Object(
  {
    signal: Type.String({
      pattern: SIGNAL_PATTERN,
      description: 'The signal name to wait for.',
    }),
    timeout: Type.Optional(Duration('Fail the node if the signal has not arrived by then.')),
  },
  {
    additionalProperties: false,
    description:
      'Wait until the run receives this signal (API, CLI or `/forgeflow signal NAME`); its payload becomes the output.',
  },
);

export const JobSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'A display name for the job.' })),
    needs: Type.Optional(
      OneOrMany(
        'Jobs that must finish before this one starts. With the same matrix keys, instance by instance.',
      ),
    ),
    if: Type.Optional(
      Type.Union([Type.String(), Type.Boolean()], {
        description:
          'Run only when this expression holds. Default `success()`: every needed job succeeded. Also `failure()`, `always()`, `cancelled()`.',
      }),
    ),
    on: Type.Optional(
      Type.Array(TriggerNameSchema, {
        description: 'Narrow the pipeline triggers this job runs for (`on: [push]`).',
      }),
    ),
    matrix: Type.Optional(MatrixSchema),
    // Matrix controls, with GitHub Actions' meanings (strategy.fail-fast, strategy.max-parallel,
    // jobs.<id>.continue-on-error); job-controls.ts turns them into node fields.
    fail_fast: Type.Optional(
      Type.Boolean({
        description:
          "With `matrix`: when one instance fails (after its retries), cancel this job's instances still queued or running. Default true, as GitHub Actions' strategy.fail-fast.",
      }),
    ),
    max_parallel: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: COMPILE_LIMITS.maxCombinations,
        description:
          "With `matrix`: at most this many instances of the job run at once; the others wait, in matrix order (GitHub Actions' strategy.max-parallel).",
      }),
    ),
    continue_on_error: Type.Optional(
      Type.Union([Type.Boolean(), Type.String()], {
        description:
          "When true, this job failing neither fails the run nor skips its dependents: they read `needs.<job>.result` as 'success' while the node itself shows failed. A boolean or one expression over `matrix` (`${{ matrix.experimental }}`).",
      }),
    ),
    env: Type.Optional(EnvMap('Variables for this job, added to the pipeline `env`.')),
    uses: Type.Optional(
      Type.String({
        description: 'The handler this job calls (exec, http.request, forge.status, …).',
      }),
    ),
    with: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          "The handler's input, checked against the handler's input schema. Strings may hold `${{ }}`.",
      }),
    ),
    checkout: Type.Optional(CheckoutSchema),
    sleep: Type.Optional(Duration('A durable timer: wait this long, surviving restarts.')),
    wait_for: Type.Optional(WaitForSchema),
    poll: Type.Optional(PollSchema),
    retry: Type.Optional(RetryPolicySchema),
    ...timeoutFields,
    report: Type.Optional(
      Type.String({
        description:
          'Report this node as a commit status with this context (`build:${{ matrix.target }}`).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'A job: one node, or one node per matrix combination.',
  },
);

export type JobConfig = Static<typeof JobSchema>;
export type MatrixConfig = Static<typeof MatrixSchema>;
export type PollConfig = Static<typeof PollSchema>;
export type WaitForConfig = Static<typeof WaitForSchema>;
