/**
 * What a handler returns must fit in a jsonb column. A value that does not (a NUL character,
 * a BigInt, a cycle) would make recording the result fail, the lease run out, and the handler
 * run again; instead it becomes a non-retryable failure that says why.
 */
import type { ErrorInfo } from '../contracts/errors.js';
import { boundedError } from './error-bounds.js';

export type Storable = { ok: true; value: unknown } | { ok: false; reason: string };

export function storable(value: unknown): Storable {
  let text: string | undefined;
  try {
    text = JSON.stringify(value ?? null);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  // Postgres jsonb cannot hold U+0000 in a string.
  if (text.includes('\\u0000'))
    return { ok: false, reason: 'it contains a NUL character (U+0000)' };
  return { ok: true, value };
}

/** An error is always recorded: what cannot be stored is replaced, and a huge one cut. */
export function storableError(error: ErrorInfo): ErrorInfo {
  const clean = (text: string) => text.replace(/\u0000/g, '\uFFFD');
  const details = error.details === undefined ? undefined : storable(error.details);
  return boundedError({
    ...error,
    type: clean(error.type),
    message: clean(error.message),
    ...(details === undefined
      ? {}
      : { details: details.ok ? details.value : `(not storable: ${details.reason})` }),
  });
}
