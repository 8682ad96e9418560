/** Awaits a promise that must reject with a HandlerError, and returns that error. */
import { HandlerError } from '../../src/contracts/errors.js';

export async function rejection(promise: Promise<unknown>): Promise<HandlerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HandlerError)) {
    throw new Error(
      `expected a HandlerError, got ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
  return error;
}

export const SHA = 'a'.repeat(40);
export const SHA2 = 'b'.repeat(40);
export const SHA3 = 'c'.repeat(40);

export const silentLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
