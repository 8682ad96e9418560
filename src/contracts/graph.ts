/**
 * The compiled form of a pipeline for one event: what the runtime stores with a run and
 * executes, never re-reading the config. Plain JSON, with every key in a fixed order, so the
 * same config and event always give the same bytes and the same hash.
 */
import { createHash } from 'node:crypto';
import type { Forge, EventKind } from '../events/event.js';
import type { InputValues } from './inputs.js';
import type { RunTriggerName } from './triggers.js';
import type { StatusUpdate } from './status-update.js';

export type MatrixValue = string | number | boolean;
/** One instance of a matrix: a value for each of its keys. */
export type Combination = Record<string, MatrixValue>;

/** A place in a handler's input: keys and array indexes from its root. */
export type InputPath = (string | number)[];

/** Where an input's deferred templates are, and the env templates they may read. */
export interface DeferredSecrets {
  paths: InputPath[];
  /** The node's env variables that are set from secrets (templates, as written). */
  env: Record<string, string>;
}

/**
 * 2: a node's `needs` names a whole matrix job once instead of each of its instances, and the
 * graph has no `edges` list (format 1's repeated the needs, one pair per instance: a matrix of
 * 256 needing another made 65,536). Runs stored with format 1 still run: see StoredGraph.
 */
export const GRAPH_FORMAT = 2;

export interface RetryPolicy {
  /** Attempts in all; 0 = unlimited (bounded by the deadline). */
  maximum_attempts: number;
  initial_interval_ms: number;
  backoff_coefficient: number;
  maximum_interval_ms: number;
  /** Each wait is randomised by up to ±this fraction. */
  jitter: number;
  non_retryable_errors: string[];
}

export interface NodeTimeouts {
  /** One attempt (start-to-close). */
  attempt_ms: number | null;
  /** Waiting for a worker (schedule-to-start). */
  queue_ms: number | null;
  /** All attempts together (schedule-to-close). */
  deadline_ms: number | null;
  heartbeat_ms: number | null;
}

export interface PollSpec {
  handler: string;
  /** Input template; `${{ output }}` is the first call's output. */
  input: unknown;
  every_ms: number;
  /** Expression source (without `${{ }}`) over `output`. */
  until: string;
  timeout_ms: number | null;
  backoff_coefficient: number;
  maximum_interval_ms: number;
  retry: RetryPolicy;
  /** A signal that ends the poll at once, its payload becoming the output. */
  signal: string | null;
}

/**
 * The node of a polling child run; the runtime makes it from a PollSpec when the parent's first
 * call returns (the compiler never emits it). Its input is already evaluated and is used as is.
 */
export interface PollAction {
  kind: 'poll';
  handler: string;
  input: unknown;
  every_ms: number;
  backoff_coefficient: number;
  maximum_interval_ms: number;
  until: string;
  signal: string | null;
  /** The parent node's expression contexts (env, matrix, needs, run) for `until`. */
  context: Record<string, unknown>;
  /** Polls made by the earlier runs of this chain (continue-as-new). */
  polls_before: number;
  /** After this many polls the child continues as a new run. */
  polls_per_run: number;
  /** Where the input's templates that read secrets are (kept as written; see expressions/secrets.ts). */
  secrets?: DeferredSecrets;
  /**
   * The parent node has `statuses`: each poll's `status` that differs from the last one said
   * goes to its commit status. `last_status` is what was said before this run's first poll (the
   * first call's, or the previous run's last poll's), null when nothing was.
   */
  report_status?: { last_status: StatusUpdate | null };
}

export type NodeAction =
  | { kind: 'activity'; handler: string; input: unknown; poll: PollSpec | null }
  | { kind: 'timer'; duration_ms: number }
  | { kind: 'signal'; signal: string; timeout_ms: number | null }
  | PollAction;

export interface GraphNode {
  /** `build` or `build[fedora-41-x86_64]`: stable across compiles of the same config. */
  id: string;
  job: string;
  /** Display name (a template when the job's `name` holds `${{ }}`). */
  name: string;
  matrix: Combination | null;
  /**
   * What this node waits for, each entry either a node id or a job id standing for every node
   * of that job (a matrix job needed by a node not aligned with it, DESIGN.md §2). The two
   * never clash: a job without a matrix has one node, whose id is the job's, and a matrix job's
   * nodes are `job[...]`, which no job id can be. needs.ts resolves the entries.
   */
  needs: string[];
  /** Expression source deciding whether the node runs once its needs are done. */
  if: string;
  action: NodeAction;
  retry: RetryPolicy;
  timeouts: NodeTimeouts;
  /** Variables (templates) for this node: pipeline env, then job env. */
  env: Record<string, string>;
  /** Commit-status context template, or null when the node is not reported. */
  report: string | null;
  /**
   * A reported node whose statuses its handlers tell (a Packit build's lifecycle) rather than
   * the runtime's words: `accepted` is posted, pending, when its run starts; the runtime's
   * `queued` and `running` are not; the `status` (StatusUpdate, status-update.ts) in the output
   * of its first call or of a poll is posted when it changes, and its end takes the description
   * and link of its last output's or its error's. Absent in pipeline.yaml graphs.
   */
  statuses?: { accepted: string };
  /*
   * Matrix controls (GitHub Actions' meanings), each written only where it changes what runs:
   * absent is how graphs stored before them run, and how Packit's independent targets run.
   */
  /** This node failing for good cancels the unfinished nodes of its job (fail-fast). */
  fail_fast?: true;
  /** At most this many nodes of its job scheduled, running or waiting at once; the rest wait. */
  max_parallel?: number;
  /**
   * Its failure neither fails the run nor skips its dependents: its conclusion (`needs.X.result`)
   * is success while its status (the outcome) stays failed.
   */
  continue_on_error?: true;
}

export interface Graph {
  format: typeof GRAPH_FORMAT;
  pipeline: string;
  source: { kind: 'pipeline' | 'packit'; file: string; sha256: string };
  trigger: { name: RunTriggerName; forge: Forge; kind: EventKind; action: string | null };
  /**
   * What `${{ inputs.NAME }}` reads: a manual run's values (checked, defaults applied), or the
   * defaults for a run of another trigger. Absent when the pipeline declares no inputs.
   */
  inputs?: InputValues;
  /** The pipeline's own `env` (templates over event and run), for the concurrency group. */
  env: Record<string, string>;
  /** The group template, evaluated when the run starts. */
  concurrency: { group: string; cancel_in_progress: boolean } | null;
  /** The whole run's deadline. */
  timeout_ms: number | null;
  nodes: GraphNode[];
  /** sha256 of everything above. */
  hash: string;
}

/**
 * A graph as stored with a run: this format, or format 1 for runs started before it, which a
 * run still finishes on. Format 1's nodes list needed nodes only (never a job), which reads the
 * same through needs.ts, and it carries `edges` (the same pairs), which nothing reads.
 */
export type StoredGraph =
  Graph | (Omit<Graph, 'format'> & { format: 1; edges: [string, string][] });

/**
 * The one way a graph gets its hash: sha256 of its JSON without `hash`, keys in the order the
 * builder wrote them. Compiled, plan and polling-child graphs all go through here.
 */
export function sealGraph(graph: Omit<Graph, 'hash'> & { hash?: string }): Graph {
  const body: Partial<Graph> = { ...graph };
  delete body.hash;
  return { ...(body as Omit<Graph, 'hash'>), hash: sha256Hex(JSON.stringify(body)) };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
