/**
 * Building blocks shared by the pipeline schema's parts: durations, names, expressions.
 * The schema is written once, here, in TypeBox: the TypeScript types are derived from it and
 * `schemas/pipeline.schema.json` is generated from it (`npm run schemas`; a test fails when stale).
 */
import Type from 'typebox';

/** `500ms`, `30s`, `5m`, `2h`, `7d`, or combinations such as `1h30m`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$';

export const Duration = (description: string) =>
  Type.String({
    pattern: DURATION_PATTERN,
    description: `${description} A duration: 500ms, 30s, 5m, 2h, 7d or 1h30m.`,
  });

export const JOB_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,99}$';

export const StringList = (description: string) => Type.Array(Type.String(), { description });

/** A single string or a list of them (`needs: build` or `needs: [build, lint]`). */
export const OneOrMany = (description: string) =>
  Type.Union([Type.String(), Type.Array(Type.String())], { description });

export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
export const SIGNAL_PATTERN = '^[A-Za-z0-9_.:-]+$';

export const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const EnvMap = (description: string) =>
  Type.Record(Type.String({ pattern: ENV_NAME_PATTERN }), Scalar, {
    description,
    additionalProperties: false,
  });
