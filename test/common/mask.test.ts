/**
 * Masking secret values as `***` in what an attempt gives back: the value and the forms a
 * program prints it in, in strings, keys and errors; what cannot be copied is refused, never
 * shown.
 */
import { describe, expect, it } from 'vitest';
import { Masker, MaskError } from '../../src/common/mask.js';

const SECRET = 'hunter2-S3CR3T';

describe('Masker', () => {
  const masker = new Masker([SECRET, 'line-one-aaaa\nline-two-bbbb', '']);

  it('masks the value, and its JSON, URL and base64 forms', () => {
    const forms = [
      SECRET,
      encodeURIComponent(`${SECRET}/?`),
      JSON.stringify(`a"${SECRET}"`),
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(`x${SECRET}`).toString('base64'),
      Buffer.from(`xy${SECRET}`).toString('base64'),
      Buffer.from(`user:${SECRET}`).toString('base64'),
    ];
    for (const form of forms) {
      const masked = masker.text(`before ${form} after`);
      expect(masked, form).toContain('***');
      expect(masked).not.toContain(SECRET);
    }
  });

  it('masks each line of a multi-line value', () => {
    expect(masker.text('got line-two-bbbb only')).toBe('got *** only');
  });

  it('masks strings and keys deep in a value, and errors as {type, message, stack}', () => {
    expect(
      masker.value({ a: [{ [SECRET]: `x ${SECRET}` }], n: 1, e: new Error(`boom ${SECRET}`) }),
    ).toEqual({
      a: [{ '***': 'x ***' }],
      n: 1,
      e: {
        type: 'Error',
        message: 'boom ***',
        stack: expect.stringContaining('boom ***') as unknown,
      },
    });
  });

  it('refuses what it cannot copy rather than show it', () => {
    const cyclic: Record<string, unknown> = { secret: SECRET };
    cyclic.self = cyclic;
    expect(() => masker.value(cyclic)).toThrow(MaskError);
  });

  it('leaves everything alone when there is nothing to mask', () => {
    const value = { a: 1 };
    expect(new Masker([]).value(value)).toBe(value);
    expect(new Masker(['']).empty).toBe(true);
  });
});
