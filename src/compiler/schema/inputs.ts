/**
 * `on.manual.inputs`: what a person starting a run by hand gives it, as GitHub Actions'
 * workflow_dispatch inputs. Read as `${{ inputs.NAME }}`, typed (a number is a number, a boolean
 * a boolean). checks/inputs.ts checks what a schema cannot (a default of the declared type, a
 * choice's options); inputs/resolve.ts checks the values given when a run starts.
 */
import Type, { type Static } from 'typebox';
import { COMPILE_LIMITS } from '../limits.js';

export const INPUT_TYPES = ['string', 'number', 'boolean', 'choice'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** An identifier, as an expression reads it: `inputs.NAME` (wording.ts says it in words). */
export const INPUT_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,63}$';

const text = (description: string) =>
  Type.String({ maxLength: COMPILE_LIMITS.maxInputChars, description });

export const InputSchema = Type.Object(
  {
    type: Type.Optional(
      Type.Enum([...INPUT_TYPES], {
        type: 'string',
        description: 'string (default), number, boolean, or choice (one of `options`).',
      }),
    ),
    description: Type.Optional(text('Shown beside the field on the page and in `--help`.')),
    required: Type.Optional(
      Type.Boolean({
        description:
          'A run cannot start without a value; a default counts as one, as in GitHub Actions.',
      }),
    ),
    default: Type.Optional(
      Type.Union([text('A string default.'), Type.Number(), Type.Boolean()], {
        description:
          'The value when none is given, and for runs of other triggers (push, pull_request, …).',
      }),
    ),
    options: Type.Optional(
      Type.Array(text('An option.'), {
        minItems: 1,
        maxItems: COMPILE_LIMITS.maxInputOptions,
        description: 'The values a `choice` input may take.',
      }),
    ),
  },
  { additionalProperties: false, description: 'One input of a manual run.' },
);

export const InputsSchema = Type.Record(Type.String({ pattern: INPUT_NAME_PATTERN }), InputSchema, {
  additionalProperties: false,
  maxProperties: COMPILE_LIMITS.maxInputs,
  description:
    'Values a manual run is started with, by name (letters, digits, `_` and `-`, not starting with a digit); read as `${{ inputs.NAME }}`.',
});

export type InputConfig = Static<typeof InputSchema>;
export type InputsConfig = Static<typeof InputsSchema>;
