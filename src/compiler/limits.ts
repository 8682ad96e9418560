/**
 * Every limit the compiler holds hostile input to, in one place (docs/security.md lists them).
 * Each is counted before the work it bounds is done and refused with a diagnostic at the place
 * that crosses it, so compiling any text takes bounded time and memory: the text is measured
 * before it is parsed, the parsed document before it is turned into data (aliases expanded),
 * and the jobs, nodes and dependencies before a check or the graph builder walks them.
 *
 * The values are far above real configs: the largest real .packit.yaml files are 7 kB with 35
 * aliases; GitHub Actions caps a matrix at 256 jobs.
 */
export const COMPILE_LIMITS = {
  /**
   * Bytes of config text. The YAML parser takes about a second per MiB of malformed text on a
   * busy two-core machine; half a MiB keeps any answer well under two seconds.
   */
  maxBytes: 512 * 1024,
  /** Flow brackets (`[`, `{`) open at once in the text: the YAML parser recurses per level. */
  maxFlowDepth: 64,
  /** Columns of indentation (compact `- ` and `? ` included) at the start of a line. */
  maxIndent: 256,
  /** Aliases (`*name`) in one file. */
  maxAliases: 1_000,
  /**
   * Values (mappings, lists, scalars, keys) once every alias is expanded; lines plus commas of
   * the text are held to it too, before parsing (the parser spends ~1.5 kB on each value, and
   * 50,000 wrong ones took 1.6 s to report). Real configs hold a few hundred to a few thousand.
   */
  maxExpandedValues: 25_000,
  /** Characters of scalars (keys included) once every alias is expanded. */
  maxExpandedChars: 4 * 1024 * 1024,
  /** Nesting of the data once every alias is expanded; what walks it recursively stays bounded. */
  maxDepth: 64,
  /** Jobs of a pipeline.yaml; job views of a .packit.yaml (a `jobs:` item per package, trigger). */
  maxJobs: 1_000,
  /** Combinations of one job's matrix (GitHub Actions' limit). */
  maxCombinations: 256,
  /** `include` or `exclude` entries of one job's matrix. */
  maxMatrixEntries: 1_024,
  /** Nodes of a graph: matrix combinations, Packit targets. */
  maxNodes: 10_000,
  /**
   * Dependencies stored in a graph: one per entry of a node's `needs`, where a whole matrix job
   * counts once (graph.ts), so a matrix needing a matrix costs its instances, not their product.
   */
  maxEdges: 100_000,
  /** Characters of a graph's JSON, estimated from each job's size times its nodes. */
  maxGraphChars: 16 * 1024 * 1024,
  /** Inputs one `on.manual.inputs` declares (GitHub Actions allows 25 on workflow_dispatch). */
  maxInputs: 25,
  /** Options of one `choice` input. */
  maxInputOptions: 100,
  /**
   * Characters of an input's value (a default, an option, a value given at start) and of its
   * description: values are stored with the graph of every run they start.
   */
  maxInputChars: 4_096,
  /** Diagnostics reported for one file; the rest are counted in a last one. */
  maxDiagnostics: 1_000,
} as const;

/** `on.schedule`: schedules per pipeline, characters of a cron and of a time zone. */
export const SCHEDULE_LIMITS = { maxSchedules: 20, maxCronChars: 120, maxTimezoneChars: 64 };

/** `1.3 MiB`, `512 KiB`: sizes in messages. */
export function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${+(bytes / 1024).toFixed(1)} KiB`;
}

/** `12,345`: limits and counts in messages. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
