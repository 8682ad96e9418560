/**
 * Query parameters arrive as text and ajv coerces them to numbers, but "Infinity" and "1e400"
 * coerce to Infinity, which then skips `minimum`/`maximum` (ajv 8 checks ranges on finite
 * numbers only) and reached PostgreSQL (`?pr=Infinity`: a 500). Every number in a request
 * schema carries the `x-finite` keyword defined here, checked after coercion.
 */
import type { Ajv } from 'ajv';

export const FINITE = 'x-finite';

interface FiniteCheck {
  (schema: boolean, data: unknown): boolean;
  errors?: { keyword: string; message: string; params: object }[];
}

const finite: FiniteCheck = (schema, data) => {
  const ok = !schema || typeof data !== 'number' || Number.isFinite(data);
  finite.errors = ok ? [] : [{ keyword: FINITE, message: 'must be a finite number', params: {} }];
  return ok;
};

/** The ajv plugin fastify's validator compiler is given. */
export function finiteNumbers(ajv: Ajv): Ajv {
  return ajv.addKeyword({ keyword: FINITE, schemaType: 'boolean', errors: true, validate: finite });
}
