/**
 * Markdown made from hostile text. Node names, error messages, branch and pipeline names come
 * from pipelines and events anyone may write, and land in GitHub and GitLab Markdown (check run
 * summaries, pull request comments), where they could open HTML, break out of a code block,
 * forge a link or mention (and notify) `@someone` or `@all`. Every piece of such text goes
 * through one of these: plain inline text, a code span, or a fenced block, each bounded.
 */
import { truncate } from './text.js';

/** After `@`, so no forge reads a mention: a word joiner (U+2060), invisible. */
const NO_MENTION = '@\u2060';

/** Control characters and line breaks of text meant for one line. */
const LINE_BREAKING = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/** One line of hostile text, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  return truncate(text.replace(LINE_BREAKING, ' ').trim(), max);
}

/**
 * Text shown as text: on one line, every Markdown and HTML character escaped (CommonMark lets
 * any ASCII punctuation be escaped with a backslash, `|` included, so a table cell holds it
 * too), and `@` kept from mentioning.
 */
export function inlineText(text: string, max = 300): string {
  return oneLine(text, max)
    .replace(/[\\`*_{}[\]()#+\-.!|<>~&"':=$%^?;,/]/g, (c) => `\\${c}`)
    .replaceAll('@', NO_MENTION);
}

/**
 * Text shown as code on one line: a code span whose backtick fence is longer than any run of
 * backticks inside it, padded with spaces (CommonMark strips one on each side). A code span
 * shows no HTML, no link and no mention. Not for a table cell (its `|` would split it).
 */
export function codeSpan(text: string, max = 200): string {
  // Forges skip code when they look for mentions; the word joiner is for any that would not.
  const line = oneLine(text, max).replaceAll('@', NO_MENTION);
  const fence = '`'.repeat(longestRun(line, '`') + 1);
  return `${fence} ${line} ${fence}`;
}

/**
 * Text shown as a block of code: fenced with more backticks than its longest run of them (a
 * closing fence must be at least as long as the opening one), so it cannot close the block;
 * at most `max` characters and `maxLines` lines.
 */
export function fencedBlock(text: string, max = 2_000, maxLines = 40): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept = lines.length > maxLines ? [...lines.slice(0, maxLines), '…'] : lines;
  const body = truncate(kept.join('\n'), max);
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}text\n${body}\n${fence}`;
}

/**
 * A link to one of forgeflow's own pages (built from its public URL and ids, never from an
 * event), with its words escaped.
 */
export function link(words: string, url: string): string {
  return `[${inlineText(words)}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)`;
}

/** "1m 12s", "850 ms", "2h 5m": a duration as people read it. */
export function readableDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

/** "2 of 3", or "4" when the policy has no maximum. */
export function attemptsText(attempts: number, max: number | null): string {
  return max === null ? String(attempts) : `${attempts} of ${max}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
