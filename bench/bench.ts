/** What a bench is: `bench/run.ts` runs each in order, prints its table and saves its results. */

export interface BenchOutput<R> {
  /** Written to `bench/results/<name>.json`. */
  results: R;
  /** Printed as is. */
  table: string;
}

export interface Bench<R = unknown> {
  /** Also the results file name. */
  name: string;
  description: string;
  run: () => BenchOutput<R> | Promise<BenchOutput<R>>;
}
