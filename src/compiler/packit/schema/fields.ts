/**
 * The value shapes Packit's config keys take, as TypeBox schemas: marshmallow's field types
 * translated. Scalars are single schemas (a type list, not a union) so that ajv compiles the
 * ~90 keys of each level quickly and reports one error per wrong value. The loader turns `bool`
 * and `int` values into real booleans and numbers, as marshmallow does; `kindOf` tells them
 * apart by their shape, so no second table is kept.
 */
import Type, { type TSchema } from 'typebox';

/**
 * marshmallow's Boolean also takes these words (and 0/1). Packit files are read as YAML 1.1,
 * where unquoted yes/no/on/off already are booleans; these are the quoted spellings.
 */
export const BOOLEAN_WORDS = {
  true: ['t', 'T', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'y', 'Y', 'yes', 'Yes', 'YES', '1'],
  false: [
    'f',
    'F',
    'false',
    'False',
    'FALSE',
    'off',
    'Off',
    'OFF',
    'n',
    'N',
    'no',
    'No',
    'NO',
    '0',
  ],
} as const;

export const BOOLEAN_REF = '#/definitions/boolean';

/** Kept once under `definitions`: what marshmallow reads as a boolean. */
export const BooleanSchema = Type.Unsafe<boolean | string | number>({
  enum: [true, false, ...BOOLEAN_WORDS.true, ...BOOLEAN_WORDS.false, 1, 0],
  description: 'true or false (marshmallow also reads "yes", "off", 1, 0, ...).',
});

export type FieldKind = 'bool' | 'int' | 'other';

/** Which scalar shape below a schema is (or an ajv error's parentSchema). */
export function kindOf(schema: unknown): FieldKind {
  const s = (schema ?? {}) as { $ref?: unknown; enum?: unknown[]; type?: unknown };
  if (s.$ref === BOOLEAN_REF || (s.enum?.includes(true) && s.enum.includes(false))) return 'bool';
  if (Array.isArray(s.type) && s.type.includes('integer') && s.type.includes('string'))
    return 'int';
  return 'other';
}

export const bool = (description: string) => Type.Ref(BOOLEAN_REF, { description });

/** marshmallow's Integer takes numbers written as strings too ("7200"). */
export const int = (description: string, minimum?: number) =>
  Type.Unsafe<number | string>({
    type: ['integer', 'string'],
    pattern: minimum === undefined ? '^-?[0-9]+$' : '^[0-9]+$',
    ...(minimum === undefined ? {} : { minimum }),
    description,
  });

/** A string that may be null (`release_suffix: null` stops a value inherited from above). */
export const str = (description: string) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], description });

/** A string marshmallow does not let be null (it has a default instead). */
export const text = (description: string) => Type.String({ description });

export const strings = (description: string) =>
  Type.Unsafe<string[] | null>({ type: ['array', 'null'], items: { type: 'string' }, description });

/** `fields.List` without `missing=None`: null is refused. */
export const list = (description: string) => Type.Array(Type.String(), { description });

/** A free-form mapping passed on as it is (Testing Farm, Image Builder, Bodhi parameters). */
export const dict = (description: string) =>
  Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], description });

/** A nested marshmallow schema: a mapping of known keys only. */
export const nested = (properties: Record<string, TSchema>, description: string) =>
  Type.Object(properties, { additionalProperties: false, description });

/** A shape kept once under `definitions` (see SHARED_SHAPES), with this key's own description. */
export const shared = (name: string, description: string) =>
  Type.Ref(`#/definitions/${name}`, { description });

/** Accepted and ignored (Packit only logs that it is no longer processed), but not null. */
export const ignored = (description: string) =>
  Type.Unsafe<unknown>({ not: { type: 'null' }, description });

export const optional = <T extends Record<string, TSchema>>(properties: T) =>
  Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };
