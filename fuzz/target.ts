/**
 * What a fuzz target is to the campaign: the runner its sandbox children load, how to make its
 * case number i, what to send the child, how to judge the child's answer, and how to keep a
 * case that found something.
 */
import type { Verdict } from './outcomes.js';
import type { Random } from './random.js';

export const TARGET_NAMES = ['configs', 'webhooks', 'api'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface Finding {
  /** The input as a file (a config, a body). */
  input: { extension: string; data: string | Buffer };
  /** Everything else needed to replay it (headers, URL, event, origin). */
  meta: Record<string, unknown>;
}

export interface Target<C = unknown> {
  readonly name: TargetName;
  /** The runner module's path (it exports `prepare`). */
  readonly runner: string;
  /** Given to the runner in each child. */
  readonly init: unknown;
  /** Children side by side (a target with a database runs one, so row counts are exact). */
  readonly children: number;
  /** Makes case `index` from its own generator; `info` is what the runner told at start. */
  generate(random: Random, index: number, info: unknown): C;
  /** What goes to the child. */
  input(testCase: C): unknown;
  judge(testCase: C, answer: unknown): Verdict;
  finding(testCase: C): Finding;
  /** One line on where the case came from (`--verbose`). */
  describe(testCase: C): string;
  /** The class of a hang, a crash or a heap explosion: what kind of input it was. */
  caseKind(testCase: C): string;
  /** Said in the report, e.g. the routes no case reached. */
  notes?(info: unknown): string[];
}
