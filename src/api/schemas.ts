/**
 * The shapes of the API, written once: fastify validates requests and serializes answers with
 * them (dropping any field not declared: nothing leaks by accident), and the OpenAPI document
 * at /docs is made from them.
 */
import Type from 'typebox';
import { RUN_ID, RUN_ID_PREFIX } from '../contracts/run-id.js';
import { RUN_TRIGGER_NAMES } from '../contracts/triggers.js';
import { FORGE_NAMES } from '../events/forges.js';
import { RUN_STATUSES } from '../runtime/states.js';
import { DELIVERY_OUTCOMES } from '../webhooks/deliveries.js';
import { FINITE } from './finite-numbers.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
/** ajv's `uuid` format also takes `urn:uuid:…`, which PostgreSQL's uuid type does not. */
const Uuid = Type.String({
  format: 'uuid',
  pattern: RUN_ID.source,
  description: 'A run id.',
});
/** Numbers the database keeps as `int` (pull request numbers, history sequence numbers). */
const MAX_INT = 2 ** 31 - 1;
/** An integer parameter of a request: bounded, and finite after coercion (finite-numbers.ts). */
const Count = (options: { minimum: number; maximum: number; default?: number }) =>
  Type.Integer({ ...options, [FINITE]: true });
/** A filter value: no control characters (NUL included), which nothing stored holds. */
const FilterText = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

// The API's enums are the runtime's and the compiler's own lists, never copies of them.
export { RUN_STATUSES };
export const TRIGGERS = RUN_TRIGGER_NAMES;

export const ErrorInfoSchema = Type.Object(
  {
    type: Type.String(),
    message: Type.String(),
    non_retryable: Type.Boolean(),
    retry_after_ms: Type.Optional(Type.Number()),
    details: Type.Optional(Type.Unknown()),
  },
  {
    description:
      'An error: its type (matched by retry policies), message, and whether a retry could help.',
  },
);
const NullableError = Type.Union([ErrorInfoSchema, Type.Null()]);

const InputValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'A stable error code (docs/errors.md).' }),
    detail: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
);

const NodeCountsSchema = Type.Object({
  total: Type.Integer(),
  succeeded: Type.Integer(),
  running: Type.Integer(),
  failed: Type.Integer(),
  waiting: Type.Integer(),
  other: Type.Integer(),
});

const runSummaryFields = {
  id: Uuid,
  pipeline: Type.String(),
  status: Type.String({ enum: [...RUN_STATUSES] }),
  trigger: Type.String(),
  repo: Type.String(),
  sha: Type.Union([Type.String(), Type.Null()]),
  pr: Type.Union([Type.Integer(), Type.Null()]),
  attempt: Type.Integer({ description: 'How often the run was started: 1, then +1 per retry.' }),
  parent_run_id: Type.Union([Uuid, Type.Null()]),
  parent_node_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Time,
  started_at: NullableTime,
  finished_at: NullableTime,
  duration_ms: Type.Union([Type.Number(), Type.Null()]),
  error: NullableError,
  nodes: NodeCountsSchema,
};

export const RunSummarySchema = Type.Object(runSummaryFields);

export const RunListSchema = Type.Object({
  runs: Type.Array(RunSummarySchema),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const RunListQuery = Type.Object(
  {
    repo: Type.Optional(FilterText(300)),
    pipeline: Type.Optional(FilterText(200)),
    status: Type.Optional(Type.String({ enum: [...RUN_STATUSES] })),
    trigger: Type.Optional(Type.String({ enum: [...TRIGGERS] })),
    sha: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{7,40}$' })),
    id_prefix: Type.Optional(
      Type.String({
        maxLength: 36,
        pattern: RUN_ID_PREFIX.source,
        description:
          "The start of a run's id: 4 to 32 hex digits, with the UUID's dashes or without any (`3f2a`, `3f2a91c0-7b`). Child runs too with `children=true`.",
      }),
    ),
    pr: Type.Optional(Count({ minimum: 1, maximum: MAX_INT })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    children: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Count({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  status: Type.String(),
  worker: Type.String(),
  started_at: Time,
  finished_at: NullableTime,
  heartbeat_at: NullableTime,
  error: NullableError,
});

const NodeSchema = Type.Object({
  id: Type.String(),
  job: Type.String(),
  name: Type.String(),
  matrix: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  needs: Type.Array(Type.String()),
  kind: Type.String({ enum: ['activity', 'timer', 'signal', 'poll'] }),
  handler: Type.Union([Type.String(), Type.Null()]),
  polls: Type.Boolean(),
  report: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ description: "The node's state; once it has ended, its outcome." }),
  result: Type.Union(
    [Type.String({ enum: ['success', 'failure', 'cancelled', 'skipped'] }), Type.Null()],
    {
      description:
        "GitHub's conclusion, what `needs.<job>.result` reads (null until the node ends): `success` for a node that failed with `continue_on_error`.",
    },
  ),
  continue_on_error: Type.Boolean(),
  attempt: Type.Integer(),
  failures: Type.Integer(),
  input: Type.Unknown(),
  output: Type.Unknown(),
  error: NullableError,
  heartbeat_details: Type.Unknown(),
  scheduled_at: NullableTime,
  started_at: NullableTime,
  finished_at: NullableTime,
  duration_ms: Type.Union([Type.Number(), Type.Null()]),
  attempts: Type.Array(AttemptSchema),
  children: Type.Array(Uuid),
});

export const RunDetailSchema = Type.Object({
  ...runSummaryFields,
  inputs: Type.Union(
    [Type.Record(Type.String(), Type.Union([InputValue, Type.Null()])), Type.Null()],
    {
      description:
        'What `${{ inputs.NAME }}` reads in this run; null when the pipeline declares none.',
    },
  ),
  stopping: Type.Union([Type.String(), Type.Null()]),
  concurrency_group: Type.Union([Type.String(), Type.Null()]),
  history_length: Type.Integer(),
  deadline_at: NullableTime,
  event: Type.Unknown({ description: 'The normalized event (without the raw payload).' }),
  parent: Type.Union([Type.Object({ run_id: Uuid, node_id: Type.String() }), Type.Null()]),
  children: Type.Array(
    Type.Object({
      id: Uuid,
      node_id: Type.String(),
      status: Type.String(),
      created_at: Time,
      finished_at: NullableTime,
      polls: Type.Integer({ description: 'Poll calls that answered in this child run.' }),
    }),
  ),
  node_list: Type.Array(NodeSchema),
});

export const RunParams = Type.Object({ id: Uuid });

export const HistoryQuery = Type.Object(
  {
    after: Type.Optional(Count({ minimum: 0, maximum: MAX_INT, default: 0 })),
    limit: Type.Optional(Count({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

export const HistorySchema = Type.Object({
  events: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      type: Type.String(),
      node_id: Type.Union([Type.String(), Type.Null()]),
      attempt: Type.Union([Type.Integer(), Type.Null()]),
      at: Time,
      data: Type.Unknown(),
    }),
  ),
  next_after: Type.Union([Type.Integer(), Type.Null()]),
});

export const GraphQuery = Type.Object(
  { format: Type.Optional(Type.String({ enum: ['json', 'mermaid'] })) },
  { additionalProperties: false },
);

export const StartRunBody = Type.Object(
  {
    pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 * 1024 })),
    repo: Type.Optional(
      Type.String({
        maxLength: 300,
        description: 'GitHub `owner/name`, GitLab `group/name` or `group/subgroup/…/name`.',
      }),
    ),
    ref: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    forge: Type.Optional(Type.String({ enum: FORGE_NAMES })),
    file: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description:
          'A path inside the repository: relative, no `.` or `..` parts, no `\\`, `%` or control characters.',
      }),
    ),
    event: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    event_type: Type.Optional(Type.String({ maxLength: 100 })),
    sha: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{7,64}$' })),
    packit: Type.Optional(
      Type.Boolean({
        description:
          'The config is a Packit config, whatever its file name (`.packit.yaml`, `.packit.yml`, `packit.yaml` and `packit.yml` are one anyway).',
      }),
    ),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    inputs: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
        {
          maxProperties: 100,
          description:
            'A manual start\'s inputs (on.manual.inputs), by name: typed values, or text read as the declared type ("3", "true"). Refused with 422 INVALID_INPUTS, every problem listed, when they do not fit.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** `github:<X-GitHub-Delivery>`, `gitlab:<Idempotency-Key>` and the like (webhooks/intake.ts). */
export const DeliveryParams = Type.Object({
  id: Type.String({ pattern: '^(github|gitlab):[A-Za-z0-9._:-]{1,250}$' }),
});

export const StartedSchema = Type.Object({ run_id: Uuid, created: Type.Boolean() });

export const CancelBody = Type.Union([
  Type.Object(
    { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const SignalParams = Type.Object({
  id: Uuid,
  name: Type.String({ pattern: '^[A-Za-z0-9_.:-]+$', maxLength: 200 }),
});

export const SignalBody = Type.Union([
  Type.Object({ payload: Type.Optional(Type.Unknown()) }, { additionalProperties: false }),
  Type.Null(),
]);

export const OutcomeSchema = Type.Object(
  { outcome: Type.String() },
  { additionalProperties: true, description: 'What the control call did.' },
);

export const DeliverySchema = Type.Object({
  id: Type.String(),
  forge: Type.String({ enum: FORGE_NAMES }),
  event: Type.String(),
  action: Type.Union([Type.String(), Type.Null()]),
  repo: Type.Union([Type.String(), Type.Null()]),
  sha: Type.Union([Type.String(), Type.Null()]),
  pr: Type.Union([Type.Integer(), Type.Null()]),
  sender: Type.Union([Type.String(), Type.Null()]),
  received_at: Time,
  outcome: Type.String({ enum: [...DELIVERY_OUTCOMES] }),
  reason: Type.Union([Type.String(), Type.Null()]),
  plan_run_id: Type.Union([Uuid, Type.Null()]),
  run_ids: Type.Array(Uuid),
  config_path: Type.Union([Type.String(), Type.Null()]),
  config_sha: Type.Union([Type.String(), Type.Null()]),
  diagnostics: Type.Unknown(),
  updated_at: Time,
});

export const DeliveryListSchema = Type.Object({
  deliveries: Type.Array(DeliverySchema),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Count({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const DiagnosticSchema = Type.Object({
  file: Type.String(),
  line: Type.Integer(),
  column: Type.Integer(),
  length: Type.Integer(),
  message: Type.String(),
  rule: Type.String(),
  severity: Type.String(),
});

export const ValidateBody = Type.Object(
  {
    pipeline: Type.String({ maxLength: 1024 * 1024 }),
    file: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    packit: Type.Optional(
      Type.Boolean({
        description:
          'The text is a Packit config, whatever `file` says (`.packit.yaml`, `.packit.yml`, `packit.yaml` and `packit.yml` are one anyway).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A declared input, as the page builds its Run form from it. */
const DeclaredInputSchema = Type.Object({
  name: Type.String(),
  type: Type.String({ enum: ['string', 'number', 'boolean', 'choice'] }),
  required: Type.Boolean(),
  default: Type.Union([InputValue, Type.Null()]),
  options: Type.Union([Type.Array(Type.String()), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
});

export const ValidateSchema = Type.Object({
  valid: Type.Boolean(),
  diagnostics: Type.Array(DiagnosticSchema),
  inputs: Type.Optional(
    Type.Array(DeclaredInputSchema, {
      description:
        "A valid pipeline.yaml's on.manual.inputs, in order (absent for a Packit config or a config with errors).",
    }),
  ),
});

/** Answers every route may give, besides its own. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));
