/** Random text and bytes: any UTF-16 code unit (lone surrogates too), or any byte. */
import type { Random } from './random.js';

export function randomBytesString(random: Random, length: number): string {
  const units = new Array<string>(length);
  for (let i = 0; i < length; i++)
    units[i] = String.fromCharCode(random.chance(0.7) ? random.int(128) : random.int(0x10000));
  return units.join('');
}

export function randomBytes(random: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = random.int(256);
  return bytes;
}
