import { describe, expect, it } from 'vitest';
import { clonePlain } from '../../../src/compiler/packit/clone.js';

describe('clonePlain', () => {
  it('copies as structuredClone does: shared objects stay shared, __proto__ stays a key', () => {
    const shared = { l: [1, 'x', null] };
    const value = JSON.parse('{"__proto__": {"p": 1}, "a": 1}') as Record<string, unknown>;
    Object.assign(value, { b: shared, c: shared, d: [shared, true] });
    const copy = clonePlain(value);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(copy.b).not.toBe(shared);
    expect(copy.b).toBe(copy.c);
    expect(Object.keys(copy)).toContain('__proto__');
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('leaves dates and sets to structuredClone', () => {
    const date = new Date(0);
    const copy = clonePlain({ a: date, b: date, s: new Set([1]) });
    expect(copy.a).toBeInstanceOf(Date);
    expect(copy.a).not.toBe(date);
    expect(copy.a).toBe(copy.b);
    expect(copy.s).toEqual(new Set([1]));
  });
});
