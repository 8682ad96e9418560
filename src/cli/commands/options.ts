/** Option parsing shared by commands. */
import { UsageError } from '../io.js';

export function formatOption<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
): T {
  const format = value ?? allowed[0];
  if (!allowed.includes(format as T))
    throw new UsageError(`--format must be ${allowed.join(', ')}; got "${format}"`);
  return format as T;
}
