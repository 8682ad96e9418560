/**
 * What a case can come to, and which of those are findings. The acceptance bar of issue 12
 * (0 hangs over 2 s, 0 crashes, 0 5xx, 0 diagnostics without line:col) plus the other
 * oracles that a fuzzer can check on every request: nothing stored by a rejected request, no
 * write without the token, 401 first when reads need the token, a correctly signed delivery is
 * never refused as unsigned, errors are problem documents, forge calls stay in the repository.
 */

export const GOOD_OUTCOMES = {
  ok: 'compiled (a graph, or not triggered)',
  diagnostics: 'refused with diagnostics, each at a real line:col',
  '2xx': 'accepted',
  '3xx': 'redirected',
  '4xx': 'refused with a problem document, nothing stored',
} as const;

export const BAD_OUTCOMES = {
  hang: 'still running after the time limit (twice)',
  crash: 'the process died, or an exception escaped the entry point',
  'out-of-memory': 'over the heap limit or the RSS cap',
  'internal-compiler-error': 'the compiler caught its own exception',
  'diagnostic-without-line-col': 'a diagnostic whose line:col is not in the text',
  'malformed-result':
    'an answer that breaks its own contract (invalid without an error, a graph edge to no node)',
  '5xx': 'a server error',
  '4xx-left-rows': 'refused, but rows were written',
  'signed-but-401': 'a correctly signed delivery refused as unsigned',
  'write-without-token': 'a mutating call without the right token was not refused',
  'read-without-token-not-401':
    'reads need the token, and a request without it got something else than 401',
  'not-problem-json': 'an error answer that is not application/problem+json',
  'forge-path-escape': 'a forge request outside the repository the caller named',
} as const;

export type GoodOutcome = keyof typeof GOOD_OUTCOMES;
export type BadOutcome = keyof typeof BAD_OUTCOMES;
export type Outcome = GoodOutcome | BadOutcome;

export function isBad(outcome: Outcome): outcome is BadOutcome {
  return outcome in BAD_OUTCOMES;
}

/** What the classifier of a target says about one case. */
export interface Verdict {
  outcome: Outcome;
  /** Why, for the findings (a diagnostic, a status and code, a stack). */
  detail?: string;
  /**
   * The class of a finding within its outcome (a 5xx's database error, a diagnostic's
   * message, the generator of a hanging config): examples and findings are kept per class.
   */
  kind?: string;
}

/** A class name from a message: quoted values and numbers left out. */
export function kindOf(message: string): string {
  // A leading SQLSTATE (22P02, 54000) names the class; other numbers are values.
  const sqlState = /^[0-9A-Z]{5}\b/.exec(message)?.[0] ?? '';
  return (sqlState + message.slice(sqlState.length).replace(/\d{3,}/g, 'N'))
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}
