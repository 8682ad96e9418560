/**
 * `${{ … }}` templates: the parts of a string that are expressions and the literal text between
 * them. Shared by the compiler (checking) and the runtime (evaluating), so both split a string
 * the same way. Quotes inside an expression are honoured: `${{ format('}}') }}` is one expression.
 */

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'expression'; source: string; /** offset of `${{` in the template */ offset: number };

export type TemplateParse =
  { ok: true; parts: TemplatePart[] } | { ok: false; offset: number; message: string };

export const OPEN = '${{';
const CLOSE = '}}';

export function hasExpression(value: string): boolean {
  return value.includes(OPEN);
}

export function parseTemplate(template: string): TemplateParse {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (;;) {
    const open = template.indexOf(OPEN, cursor);
    if (open === -1) {
      if (cursor < template.length) parts.push({ kind: 'text', text: template.slice(cursor) });
      return { ok: true, parts };
    }
    if (open > cursor) parts.push({ kind: 'text', text: template.slice(cursor, open) });
    const close = findClose(template, open + OPEN.length);
    if (close === -1) {
      return {
        ok: false,
        offset: open,
        message: 'unterminated expression: "${{" without a closing "}}"',
      };
    }
    const source = template.slice(open + OPEN.length, close).trim();
    if (source === '') return { ok: false, offset: open, message: 'empty expression "${{ }}"' };
    parts.push({ kind: 'expression', source, offset: open });
    cursor = close + CLOSE.length;
  }
}

/** Index of the `}}` that closes an expression, skipping `'…'` string literals ('' escapes a quote). */
function findClose(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "'") {
        if (text[i + 1] === "'") i++;
        else inString = false;
      }
    } else if (c === "'") {
      inString = true;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

/** A template that is exactly one expression (`"${{ x }}"`): its value keeps its type. */
export function singleExpression(template: string): string | undefined {
  const parsed = parseTemplate(template.trim());
  if (!parsed.ok || parsed.parts.length !== 1) return undefined;
  const [only] = parsed.parts;
  return only?.kind === 'expression' ? only.source : undefined;
}
