/**
 * Refuses text that would crash or stall the YAML parser before it gets there. The `yaml`
 * library recurses once per nesting level: 1,000 nested brackets exhaust the stack and 10,000
 * exhaust memory (seen on Node 20), and compact block nesting (`- - - - x`) does the same.
 * The scan is deliberately rough: it counts every bracket, quoted or not, because telling
 * quotes apart is the parser's job, and the limits stay far above any real pipeline. So it
 * does for the values the parser would make (about 1.5 kB of memory each): a value takes a line
 * or a comma (`[x,x,x]`), so more lines and commas than a config may hold values (yaml-anchors.ts
 * counts them exactly, aliases expanded) is refused before the parser makes them.
 */
import { size } from './limits.js';
import type { Span } from './line-index.js';

export interface TextLimits {
  maxBytes: number;
  maxFlowDepth: number;
  maxIndent: number;
  maxExpandedValues: number;
}

export function refuseHostileText(
  text: string,
  limits: TextLimits,
): { span: Span; message: string } | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    return {
      span: { line: 1, column: 1, length: 1 },
      message: `file is ${size(bytes)}; a pipeline may be at most ${size(limits.maxBytes)}`,
    };
  }
  // Real files pass three native scans (half the time of the walk below); only a file that may
  // be refused takes the walk, which finds the first offending spot and says why.
  return mayBeHostile(text, limits) ? firstRefusal(text, limits) : undefined;
}

// C0 controls but tab, LF and CR; DEL; C1 controls but NEL (the walk below says the same).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/;
const BRACKETS = /[[\]{}]/g;
const deepIndents = new Map<number, RegExp>();

/** Never false when firstRefusal would refuse: each test is a superset of one of its checks. */
function mayBeHostile(text: string, limits: TextLimits): boolean {
  if (CONTROL.test(text)) return true;
  if (count(text, ',') + count(text, '\n') > limits.maxExpandedValues) return true;
  // The indentation walk consumes only these characters, so a refused line starts with a run.
  let indent = deepIndents.get(limits.maxIndent);
  if (!indent) {
    indent = new RegExp(`^[ ?:-]{${limits.maxIndent + 1}}`, 'm');
    deepIndents.set(limits.maxIndent, indent);
  }
  if (indent.test(text)) return true;
  let depth = 0;
  BRACKETS.lastIndex = 0;
  for (let match = BRACKETS.exec(text); match; match = BRACKETS.exec(text)) {
    const bracket = match[0];
    if (bracket === '[' || bracket === '{') {
      if (++depth > limits.maxFlowDepth) return true;
    } else depth = Math.max(0, depth - 1);
  }
  return false;
}

/** How many times `char` occurs (indexOf is native: a megabyte takes a millisecond). */
function count(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at !== -1; at = text.indexOf(char, at + 1)) n++;
  return n;
}

function firstRefusal(
  text: string,
  limits: TextLimits,
): { span: Span; message: string } | undefined {
  let depth = 0;
  let separators = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const span = (length: number) => ({ line, column: i - lineStart + 1, length });
    if (code === 10 || code === 44) {
      if (++separators > limits.maxExpandedValues) {
        return {
          span: span(1),
          message: `the file has more than ${limits.maxExpandedValues.toLocaleString('en-US')} lines and commas, so more values than a config may hold (at most ${limits.maxExpandedValues.toLocaleString('en-US')})`,
        };
      }
    }
    if (code === 10) {
      line++;
      lineStart = i + 1;
      atLineStart = true;
      continue;
    }
    if (atLineStart) {
      // Indentation plus compact block indicators ("- - - x", "? ? x") measure nesting.
      let run = 0;
      for (;;) {
        const c = text[i + run];
        if (c === ' ') run++;
        else if ((c === '-' || c === '?' || c === ':') && text[i + run + 1] === ' ') run += 2;
        else break;
      }
      atLineStart = false;
      if (run > limits.maxIndent) {
        return {
          span: span(run),
          message: `nested more than ${limits.maxIndent} levels deep at the start of this line; nesting this deep is not supported`,
        };
      }
    }
    // YAML's printable set: no C0 controls but tab, CR and LF; no DEL; no C1 controls but NEL.
    if (
      (code < 32 && code !== 9 && code !== 13) ||
      (code >= 0x7f && code <= 0x9f && code !== 0x85)
    ) {
      return {
        span: span(1),
        message: `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} in the file; YAML does not allow it (is this a binary file?)`,
      };
    }
    if (code === 91 || code === 123) {
      depth++;
      if (depth > limits.maxFlowDepth) {
        return { span: span(1), message: `brackets nested more than ${limits.maxFlowDepth} deep` };
      }
    } else if (code === 93 || code === 125) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}
