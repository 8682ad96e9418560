/** What a failed `fetch` really met: the system error code it hides in `cause` (or `errors`). */

/** ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET, …; undefined when there is none. */
export function causeCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const { code, errors, cause } = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') return code;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}
