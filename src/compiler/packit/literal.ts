/**
 * The runtime evaluates every string of a node's input (and its report and name) as a
 * `${{ }}` template. Values from a .packit.yaml or the event are data, never expressions: an
 * `${{` in them is written as the expression `${{ '${{' }}`, which evaluates back to itself.
 */
import { mapStrings } from '../../expressions/convert.js';
import { OPEN } from '../../expressions/template.js';

const ESCAPED_OPEN = `${OPEN} '${OPEN}' }}`;

export function literalText(text: string): string {
  return text.includes(OPEN) ? text.split(OPEN).join(ESCAPED_OPEN) : text;
}

/** A deep copy of `value` whose strings all read as literal text. */
export function literalValue<T>(value: T): T {
  return mapStrings(value, literalText) as T;
}
