/**
 * The registry of error types and what keeps forgeflow's code to it: HandlerError's constructor
 * and errorInfo take only registered types (checked when the tests are type-checked), a
 * handler's own type goes through HandlerError.custom, and a restated error keeps its type and
 * retry advice. Each meaning is one line a markdown table can hold.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_TYPES } from '../../src/contracts/error-types.js';
import { errorInfo, HandlerError, toErrorInfo } from '../../src/contracts/errors.js';

describe('ERROR_TYPES', () => {
  it('gives each type one line of meaning, a sentence that fits a table cell', () => {
    for (const [type, { meaning }] of Object.entries(ERROR_TYPES)) {
      expect(meaning, type).toMatch(/^[A-Z`].*\.$/);
      expect(meaning, type).not.toMatch(/[|\n]/);
    }
  });
});

describe('HandlerError', () => {
  it('takes only registered types from forgeflow, any from a handler through custom', () => {
    // @ts-expect-error: 'Boom' is not one of ERROR_TYPES.
    expect(new HandlerError('Boom', 'x').type).toBe('Boom');
    // @ts-expect-error: nor for errorInfo.
    expect(errorInfo('Boom', 'x').type).toBe('Boom');
    const own = HandlerError.custom('KojiDown', 'no Koji today', { retryAfterMs: 5_000 });
    expect(toErrorInfo(own)).toEqual({
      type: 'KojiDown',
      message: 'no Koji today',
      non_retryable: false,
      retry_after_ms: 5_000,
    });
  });

  it('stores what it says, as errorInfo does for an error nobody throws', () => {
    const options = { nonRetryable: true, details: { kind: 'run' } };
    const thrown = toErrorInfo(new HandlerError('Timeout', 'too late', options));
    expect(thrown).toEqual({
      type: 'Timeout',
      message: 'too late',
      non_retryable: true,
      details: { kind: 'run' },
    });
    expect(errorInfo('Timeout', 'too late', options)).toEqual(thrown);
    expect(errorInfo('LeaseLost', 'gone')).toEqual({
      type: 'LeaseLost',
      message: 'gone',
      non_retryable: false,
    });
  });

  it('restates an error with its type and retry advice, and another message and details', () => {
    const original = HandlerError.custom('Leaky', 'token s3cret', {
      retryAfterMs: 10,
      details: { token: 's3cret' },
    });
    const masked = original.restated('token ***', { token: '***' });
    expect(masked).toBeInstanceOf(HandlerError);
    expect(toErrorInfo(masked)).toEqual({
      type: 'Leaky',
      message: 'token ***',
      non_retryable: false,
      retry_after_ms: 10,
      details: { token: '***' },
    });
    expect(toErrorInfo(new HandlerError('ExitCode', 'x').restated('y', undefined))).toEqual({
      type: 'ExitCode',
      message: 'y',
      non_retryable: false,
    });
  });
});
