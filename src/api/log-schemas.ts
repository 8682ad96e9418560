/** The shapes of a node's log route (routes/logs.ts), one source for validation and OpenAPI. */
import Type from 'typebox';
import { FINITE } from './finite-numbers.js';
import { RunParams } from './schemas.js';

export const NodeParams = Type.Object({
  id: RunParams.properties.id,
  node: Type.String({ minLength: 1, maxLength: 1000, description: 'A node id, URL-encoded.' }),
});

export const LogQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0, [FINITE]: true }),
    ),
    attempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, [FINITE]: true })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 5000, default: 1000, [FINITE]: true }),
    ),
    follow: Type.Optional(
      Type.Boolean({
        description:
          'Stream as Server-Sent Events: `line` events (id: the line number), `: keepalive` comments, and an `end` event once the node is finished or the stream reaches its maximum duration.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LogLineSchema = Type.Object({
  n: Type.Integer({ description: 'Line number in the node log; a gap is lines dropped.' }),
  attempt: Type.Integer(),
  stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('system')]),
  at: Type.String({ format: 'date-time' }),
  text: Type.String(),
});

export const LogPageSchema = Type.Object({
  lines: Type.Array(LogLineSchema),
  next_after: Type.Integer({ description: 'Pass as `after` to read on.' }),
  more: Type.Boolean({ description: 'More lines are stored after these.' }),
  node_status: Type.String(),
  finished: Type.Boolean({ description: 'The node ended: no line will be added.' }),
  dropped_lines: Type.Integer({ description: 'Oldest lines the size limit dropped.' }),
  dropped_bytes: Type.Integer(),
});
