/**
 * The JSON Schema fields handler specs are written with, so that a spec reads as a list of
 * fields and what each means.
 */
export const text = (description: string) => ({ type: 'string', description });
export const nullableText = (description: string) => ({ type: ['string', 'null'], description });
export const flag = (description: string) => ({ type: 'boolean', description });
export const texts = (description: string) => ({
  type: 'array',
  items: { type: 'string' },
  description,
});
export const stringMap = (description: string) => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});
