/**
 * How much of an error is kept. An error is recorded on its attempt, on its node and in the
 * history event that decides what follows (a retry, the node's end): unlike an output, which is
 * stored once, an error is small by design, and a handler that throws a huge one (an operator's,
 * a message quoting a whole response) is cut to these bounds instead of being stored thrice.
 * The built-in handlers stay well inside them (exec keeps 4 KiB tails, http.request 4 KiB of
 * the body).
 */
import type { ErrorInfo } from '../contracts/errors.js';

/** Characters of an error's type and message kept. */
export const MAX_ERROR_MESSAGE = 8 * 1024;
/** Bytes of an error's details, as JSON, kept; larger details are replaced by their start. */
export const MAX_ERROR_DETAILS_BYTES = 64 * 1024;

export function boundedError(error: ErrorInfo): ErrorInfo {
  const cut = (text: string, max: number) =>
    text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters cut)`;
  const bounded: ErrorInfo = {
    ...error,
    type: cut(error.type, 200),
    message: cut(error.message, MAX_ERROR_MESSAGE),
  };
  if (error.details === undefined) return bounded;
  const json = JSON.stringify(error.details) ?? 'null';
  if (Buffer.byteLength(json) <= MAX_ERROR_DETAILS_BYTES) return bounded;
  return {
    ...bounded,
    details: {
      truncated: `the details took ${Buffer.byteLength(json)} bytes as JSON, more than the ${MAX_ERROR_DETAILS_BYTES} an error keeps; their start follows`,
      start: json.slice(0, MAX_ERROR_DETAILS_BYTES / 2),
    },
  };
}
