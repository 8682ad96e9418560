/**
 * Run ids as text: which starts of an id the API and the CLI take, and the range of uuids a
 * start covers (its ends included, nothing outside).
 */
import { describe, expect, it } from 'vitest';
import { RUN_ID, RUN_ID_PREFIX, runIdRange } from '../../src/contracts/run-id.js';

const ID = '3f2a91c0-7b1d-4e5f-8a9b-0c1d2e3f4a5b';

describe('the start of a run id', () => {
  it.each([
    '3f2a',
    '3F2A91C0',
    '3f2a91c0-',
    '3f2a91c0-7b',
    '3f2a91c0-7b1d-',
    '3f2a91c0-7b1d-4e5f-8a9b-0c1d2e3f',
    ID,
    ID.replaceAll('-', ''),
  ])('takes %s', (text) => {
    expect(RUN_ID_PREFIX.test(text)).toBe(true);
  });

  it.each([
    ['no digits', ''],
    ['3 digits', '3f2'],
    ['a dash before the 8th digit', '3f2a-91c0'],
    ['a dash missing after the 12th digit', '3f2a91c0-7b1d4e'],
    ['two dashes', '3f2a91c0--'],
    ['33 digits', 'a'.repeat(33)],
    ['a digit past the UUID', `${ID}0`],
    ['a letter past f', '3f2g'],
    ['a space', ' 3f2a'],
    ['a URN', `urn:uuid:${ID}`],
  ])('refuses %s', (_what, text) => {
    expect(RUN_ID_PREFIX.test(text)).toBe(false);
  });

  it('is what a whole id is, for a whole id', () => {
    expect(RUN_ID.test(ID)).toBe(true);
    expect(RUN_ID.test(ID.replaceAll('-', ''))).toBe(false);
  });
});

describe('runIdRange', () => {
  it('pads the digits with 0s and with fs, dashes where the UUID has them', () => {
    expect(runIdRange('3F2A')).toEqual({
      low: '3f2a0000-0000-0000-0000-000000000000',
      high: '3f2affff-ffff-ffff-ffff-ffffffffffff',
    });
    expect(runIdRange('3f2a91c0-7b')).toEqual(runIdRange('3f2a91c07b'));
    expect(runIdRange('3f2a91c07b')).toEqual({
      low: '3f2a91c0-7b00-0000-0000-000000000000',
      high: '3f2a91c0-7bff-ffff-ffff-ffffffffffff',
    });
    expect(runIdRange(ID)).toEqual({ low: ID, high: ID });
  });

  it('refuses what is not the start of an id', () => {
    expect(() => runIdRange('3f2')).toThrow('not the start of a run id: "3f2"');
    expect(() => runIdRange("3f2a' OR 1=1")).toThrow('not the start of a run id');
  });
});
