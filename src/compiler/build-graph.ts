/**
 * From a valid pipeline and the trigger it matched to a Graph: jobs narrowed by their own `on:`,
 * matrices expanded, `needs` aligned instance by instance, defaults applied. Linear in the
 * nodes and their needs, which checks/sizes.ts bounded before.
 */
import type { Event } from '../events/event.js';
import { singleExpression } from '../expressions/template.js';
import { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_IF, DEFAULT_RETRY } from './defaults.js';
import { parseDuration } from '../contracts/duration.js';
import {
  GRAPH_FORMAT,
  type Combination,
  type Graph,
  type GraphNode,
  type NodeAction,
  type NodeTimeouts,
  type RetryPolicy,
  sealGraph,
  sha256Hex,
} from '../contracts/graph.js';
import { withCheckout } from './checkout-input.js';
import { nodeControls } from './job-controls.js';
import { combinationLabel, expandMatrix } from './matrix.js';
import type { JobConfig } from './schema/job.js';
import type { PipelineConfig } from './schema/pipeline.js';
import type { RetryPolicyConfig } from './schema/policy.js';
import type { TriggerName } from '../contracts/triggers.js';
import type { InputValues } from '../contracts/inputs.js';

export interface ExcludedJob {
  job: string;
  reason: string;
}

export interface BuildInput {
  pipeline: PipelineConfig;
  name: string;
  file: string;
  text: string;
  trigger: TriggerName;
  event: Event;
  /** The values `${{ inputs.NAME }}` reads; null when the pipeline declares no inputs. */
  inputs: InputValues | null;
}

export function buildGraph(input: BuildInput): { graph: Graph; excluded: ExcludedJob[] } {
  const { pipeline, trigger } = input;
  const jobs = Object.entries(pipeline.jobs);
  const excluded = excludedJobs(jobs, trigger);
  const included = jobs.filter(([id]) => !excluded.some((e) => e.job === id));

  const instances = new Map<string, { id: string; matrix: Combination | null }[]>();
  for (const [id, job] of included) {
    const combos = job.matrix ? expandMatrix(job.matrix).combinations : [];
    instances.set(
      id,
      job.matrix
        ? combos.map((m) => ({ id: `${id}[${combinationLabel(m)}]`, matrix: m }))
        : [{ id, matrix: null }],
    );
  }

  const env = stringMap(pipeline.env);
  const nodes: GraphNode[] = [];
  for (const [jobId, job] of included) {
    const own = instances.get(jobId) ?? [];
    for (const instance of own) {
      nodes.push({
        id: instance.id,
        job: jobId,
        name: job.name ?? instance.id,
        matrix: instance.matrix,
        needs: neededNodes(job, instance.matrix, instances, pipeline),
        if: ifSource(job.if),
        action: actionOf(job, pipeline),
        retry: retryPolicy(pipeline.defaults?.retry, job.retry),
        timeouts: timeoutsOf(job, pipeline),
        env: { ...env, ...stringMap(job.env) },
        report: job.report ?? null,
        ...nodeControls(job, own.length, instance.matrix),
      });
    }
  }
  const concurrency = pipeline.concurrency;
  const body: Omit<Graph, 'hash'> = {
    format: GRAPH_FORMAT,
    pipeline: input.name,
    source: { kind: 'pipeline', file: input.file, sha256: sha256Hex(input.text) },
    trigger: {
      name: trigger,
      forge: input.event.forge,
      kind: input.event.kind,
      action: input.event.action,
    },
    // Only where inputs are declared: the graphs (and hashes) of other pipelines stay as they were.
    ...(input.inputs === null ? {} : { inputs: input.inputs }),
    env,
    concurrency:
      concurrency === undefined
        ? null
        : typeof concurrency === 'string'
          ? { group: concurrency, cancel_in_progress: false }
          : {
              group: concurrency.group,
              cancel_in_progress: concurrency.cancel_in_progress ?? false,
            },
    timeout_ms: durationOrNull(pipeline.timeout),
    nodes,
  };
  return { graph: sealGraph(body), excluded };
}

/** Jobs whose own `on:` leaves out this trigger, and (transitively) the jobs that need them. */
function excludedJobs(jobs: [string, JobConfig][], trigger: TriggerName): ExcludedJob[] {
  const excluded = new Map<string, string>();
  for (const [id, job] of jobs) {
    if (job.on && !job.on.includes(trigger))
      excluded.set(id, `job runs only on ${job.on.join(', ')}`);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, job] of jobs) {
      if (excluded.has(id)) continue;
      const missing = needsOf(job).find((n) => excluded.has(n));
      if (missing) {
        excluded.set(id, `needs "${missing}", which is not in this run`);
        changed = true;
      }
    }
  }
  return jobs
    .filter(([id]) => excluded.has(id))
    .map(([id]) => ({ job: id, reason: excluded.get(id)! }));
}

function needsOf(job: JobConfig): string[] {
  return job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs;
}

/**
 * Same declared matrix keys: only the instance with equal values on them. Otherwise every
 * instance, written once as the job's id (graph.ts): a matrix needing a matrix stores one entry
 * per node, not one per pair of instances.
 */
function neededNodes(
  job: JobConfig,
  matrix: Combination | null,
  instances: Map<string, { id: string; matrix: Combination | null }[]>,
  pipeline: PipelineConfig,
): string[] {
  const result: string[] = [];
  const keys = declaredKeys(job);
  for (const need of new Set(needsOf(job))) {
    const aligned = matrix !== null && sameKeys(declaredKeys(pipeline.jobs[need]), keys);
    if (!aligned) {
      result.push(need);
      continue;
    }
    for (const target of instances.get(need) ?? [])
      if (keys.every((k) => target.matrix?.[k] === matrix[k])) result.push(target.id);
  }
  return result;
}

/** The keys a matrix declares as lists; keys that only `include` adds do not count for alignment. */
function declaredKeys(job: JobConfig | undefined): string[] {
  return Object.keys(job?.matrix ?? {}).filter((k) => k !== 'include' && k !== 'exclude');
}

function sameKeys(a: string[], b: string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((k) => b.includes(k));
}

function ifSource(condition: string | boolean | undefined): string {
  if (condition === undefined) return DEFAULT_IF;
  if (typeof condition === 'boolean') return String(condition);
  return singleExpression(condition) ?? condition.trim();
}

function actionOf(job: JobConfig, pipeline: PipelineConfig): NodeAction {
  if (job.sleep !== undefined) return { kind: 'timer', duration_ms: parseDuration(job.sleep) ?? 0 };
  if (job.wait_for !== undefined) {
    return {
      kind: 'signal',
      signal: job.wait_for.signal,
      timeout_ms: durationOrNull(job.wait_for.timeout),
    };
  }
  const poll = job.poll;
  return {
    kind: 'activity',
    handler: job.uses ?? '',
    input: withCheckout(job, job.with ?? {}),
    poll: poll
      ? {
          handler: poll.uses,
          input: poll.with ?? {},
          every_ms: parseDuration(poll.every) ?? 0,
          until: singleExpression(poll.until) ?? poll.until.trim(),
          timeout_ms: durationOrNull(poll.timeout),
          backoff_coefficient: poll.backoff_coefficient ?? 1,
          maximum_interval_ms:
            durationOrNull(poll.maximum_interval) ?? parseDuration(poll.every) ?? 0,
          retry: retryPolicy(pipeline.defaults?.retry, poll.retry),
          signal: poll.signal ?? null,
        }
      : null,
  };
}

function retryPolicy(
  defaults: RetryPolicyConfig | undefined,
  own: RetryPolicyConfig | undefined,
): RetryPolicy {
  const merged = { ...defaults, ...own };
  return {
    maximum_attempts: merged.maximum_attempts ?? DEFAULT_RETRY.maximum_attempts,
    initial_interval_ms:
      durationOrNull(merged.initial_interval) ?? DEFAULT_RETRY.initial_interval_ms,
    backoff_coefficient: merged.backoff_coefficient ?? DEFAULT_RETRY.backoff_coefficient,
    maximum_interval_ms:
      durationOrNull(merged.maximum_interval) ?? DEFAULT_RETRY.maximum_interval_ms,
    jitter: merged.jitter ?? DEFAULT_RETRY.jitter,
    non_retryable_errors: [...(merged.non_retryable_errors ?? DEFAULT_RETRY.non_retryable_errors)],
  };
}

function timeoutsOf(job: JobConfig, pipeline: PipelineConfig): NodeTimeouts {
  const defaults = pipeline.defaults ?? {};
  const pick = (key: 'timeout' | 'queue_timeout' | 'deadline' | 'heartbeat_timeout') =>
    durationOrNull(job[key] ?? defaults[key]);
  const activity = job.uses !== undefined;
  return {
    attempt_ms: activity ? (pick('timeout') ?? DEFAULT_ATTEMPT_TIMEOUT_MS) : pick('timeout'),
    queue_ms: pick('queue_timeout'),
    deadline_ms: pick('deadline'),
    heartbeat_ms: pick('heartbeat_timeout'),
  };
}

function durationOrNull(value: string | undefined): number | null {
  return value === undefined ? null : (parseDuration(value) ?? null);
}

function stringMap(
  values: Record<string, string | number | boolean> | undefined,
): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, String(v)]));
}
