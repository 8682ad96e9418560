/**
 * The messages between the fuzzer and a sandbox child (structured clone over the IPC channel,
 * so Buffers and lone surrogates travel intact), and the contract of a runner: the module a
 * child loads to execute cases of one target.
 */

/** What a runner module exports as `prepare`: set up once per child, then run case after case. */
export type PrepareRunner = (init: unknown) => Promise<Runner>;

export interface Runner {
  /** Told to the fuzzer once the child is ready (e.g. the routes a server has). */
  readonly info?: unknown;
  run(input: unknown): Promise<unknown>;
}

export type ToChild =
  { type: 'init'; init: unknown } | { type: 'case'; id: number; input: unknown };

export type FromChild =
  | { type: 'ready'; info: unknown }
  | { type: 'failed-to-start'; error: string }
  | { type: 'result'; id: number; result: unknown; ms: number; peakRssKb: number }
  /** The runner threw: an exception escaped the code under test. */
  | { type: 'thrown'; id: number; error: string; ms: number; peakRssKb: number };
