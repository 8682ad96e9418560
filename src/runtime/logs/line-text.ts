/**
 * One line as it is stored: masked by the caller first (a secret is whole only in the whole
 * line), then made storable whatever a handler or a program sent: no NUL (which neither text nor
 * jsonb can hold), no lone surrogate, no line ending, and at most MAX_LINE_CHARS characters.
 * Other control characters stay: ANSI colours are the page's to render, and it escapes them.
 */
import { MAX_LINE_CHARS } from './limits.js';

const NUL = /\u0000/g;
const CUT_MARKER = / … \[(\d{1,15}) more characters cut\]$/;
/** Half of a surrogate pair without its other half: Postgres refuses it in jsonb. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableLine(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\r' || text[end - 1] === '\n')) end--;
  let line = text.slice(0, end);
  if (line.length > MAX_LINE_CHARS) {
    // A line its handler already cut (exec's line splitter) says how much it cut: add that.
    const earlier = CUT_MARKER.exec(line.slice(-64));
    if (earlier) line = line.slice(0, line.length - earlier[0].length);
    const cut = line.length - MAX_LINE_CHARS + Number(earlier?.[1] ?? 0);
    line = `${line.slice(0, MAX_LINE_CHARS)} … [${cut} more characters cut]`;
  }
  return line.replace(NUL, '\u2400').replace(LONE_SURROGATE, '\uFFFD');
}
