/**
 * The Packit front-end's entry points, the counterparts of validatePipeline/compilePipeline:
 * `validatePackit` gives every diagnostic of a .packit.yaml (the loader's, then each job's
 * targets); `compilePackit` then matches the event (match.ts), plans one node per job view and
 * target (plan.ts) and builds the graph (graph.ts). Same CompileResult as a pipeline.yaml, so
 * callers treat both alike. Pure: no I/O, no clock.
 */
import type { Event } from '../../events/event.js';
import type { ExcludedJob } from '../build-graph.js';
import type { ConfigResult } from '../compile.js';
import { capDiagnostics, finalizeDiagnostics, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { HandlerRegistry } from '../../contracts/handler-spec.js';
import { TRIGGER_OF_KIND } from '../trigger-match.js';
import { COMPILE_LIMITS, count } from '../limits.js';
import { makeDiagnostic } from '../yaml-source.js';
import { eventTrigger } from './event-trigger.js';
import { packitGraph, PACKIT_PIPELINE } from './graph.js';
import { loadPackit } from './load.js';
import { matchJobs } from './match.js';
import { planNodes } from './plan.js';
import { PreviousRun, type PreviousNode } from './previous.js';
import { DEFAULT_RELEASES } from './releases.js';
import { expandAllTargets, targetDiagnostics } from './target-diagnostics.js';
import { readPackitYaml } from './yaml.js';
import type { LoadedPackit, ReleasesTable } from './types.js';
import type { ViewTargets } from './view-targets.js';

export interface PackitOptions {
  /** The file name shown in diagnostics (`.packit.yaml`). */
  file: string;
  /** The repository's name: Packit's default `downstream_package_name`. */
  repoName?: string;
  /** Fedora/EPEL releases for the aliases; DEFAULT_RELEASES when absent. */
  releases?: ReleasesTable;
  /**
   * The nodes of the latest run of the pull request: `retest-failed` / `rebuild-failed` re-run
   * what failed there, and re-run tests install its successful builds.
   */
  previous?: readonly PreviousNode[] | null;
  /** The server's handlers: a job whose handler is missing gets a warning. */
  handlers?: HandlerRegistry;
}

export type PackitValidation =
  | {
      ok: true;
      config: LoadedPackit;
      targets: Map<LoadedPackit['jobs'][number], ViewTargets>;
      diagnostics: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

export function validatePackit(text: string, options: PackitOptions): PackitValidation {
  try {
    const result = validateUnsafe(text, options);
    return { ...result, diagnostics: capDiagnostics(result.diagnostics) };
  } catch (error) {
    // A compiler bug must still come out as a diagnostic, never as a crash of the caller.
    const message = `internal compiler error: ${error instanceof Error ? error.message : String(error)}`;
    const at = { line: 1, column: 1, length: 1 };
    return { ok: false, diagnostics: [makeDiagnostic(options.file, at, 'packit', message)] };
  }
}

function validateUnsafe(text: string, options: PackitOptions): PackitValidation {
  const loaded = loadPackit(text, {
    file: options.file,
    ...(options.repoName !== undefined ? { repoName: options.repoName } : {}),
  });
  if (!loaded.ok) return { ok: false, diagnostics: finalizeDiagnostics(loaded.diagnostics) };
  const { config } = loaded;
  const { targets, problems } = expandAllTargets(config.jobs, options.releases ?? DEFAULT_RELEASES);
  const diagnostics = finalizeDiagnostics([
    ...loaded.diagnostics,
    ...targetDiagnostics(text, options.file, problems, config.monorepo),
  ]);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, config, targets, diagnostics };
}

const RERUN_FAILED = new Set(['retest-failed', 'rebuild-failed']);

export function compilePackit(text: string, event: Event, options: PackitOptions): ConfigResult {
  const validated = validatePackit(text, options);
  if (!validated.ok) return { status: 'invalid', diagnostics: validated.diagnostics };
  const { config, targets, diagnostics } = validated;
  const notTriggered = (reason: string, excluded: ExcludedJob[] = []): ConfigResult => ({
    status: 'not-triggered',
    pipeline: PACKIT_PIPELINE,
    misses: [{ trigger: TRIGGER_OF_KIND[event.kind], reason }],
    excluded,
    diagnostics,
  });

  const on = eventTrigger(event);
  if (!on.ok) return notTriggered(on.reason);
  const previous = options.previous ? new PreviousRun(options.previous) : null;
  const command = on.command?.name ?? null;
  if (command !== null && RERUN_FAILED.has(command) && !previous?.anyFailed)
    return notTriggered(
      `nothing failed in the latest run at this commit: /packit ${command} re-runs only what failed`,
    );

  const match = matchJobs(config.jobs, event, on, config.monorepo);
  const plan = planNodes({
    event,
    on,
    all: config.jobs,
    selected: match.selected,
    monorepo: config.monorepo,
    releases: options.releases ?? DEFAULT_RELEASES,
    targets,
    previous,
  });
  // sizes.ts counted targets as written; aliases (fedora-all) expand each to a few releases.
  if (plan.nodes.length > COMPILE_LIMITS.maxNodes)
    return {
      status: 'invalid',
      diagnostics: [tooManyNodes(text, options.file, plan.nodes.length)],
    };
  const excluded = [...match.misses, ...plan.misses];
  if (plan.nodes.length === 0) {
    const why =
      command !== null && RERUN_FAILED.has(command)
        ? `none of the failed statuses belongs to a job /packit ${command} re-runs`
        : `no job of ${options.file} runs on this event`;
    return notTriggered(why, excluded);
  }
  const graph = packitGraph({
    planned: plan.nodes,
    event,
    ref: on.ref,
    file: options.file,
    text,
    commandEnv: on.command?.env ?? {},
  });
  return {
    status: 'graph',
    graph,
    excluded,
    diagnostics: [...diagnostics, ...missingHandlers(graph.nodes, options)],
  };
}

/** At the `jobs` key (or the top of the file when Packit's default jobs apply). */
function tooManyNodes(text: string, file: string, nodes: number): Diagnostic {
  const read = readPackitYaml(text, file);
  const span = read.ok ? read.locator.span(['jobs'], 'key') : { line: 1, column: 1, length: 1 };
  return makeDiagnostic(
    file,
    span,
    'limits',
    `the jobs make ${count(nodes)} nodes for this event once their targets are expanded; a graph may have at most ${count(COMPILE_LIMITS.maxNodes)}`,
  );
}

/** A warning per handler the server does not have (once per handler). */
function missingHandlers(
  nodes: readonly { action: { kind: string; handler?: string } }[],
  options: PackitOptions,
): Diagnostic[] {
  const registry = options.handlers;
  if (!registry) return [];
  const missing = new Set<string>();
  for (const node of nodes)
    if (
      node.action.kind === 'activity' &&
      node.action.handler &&
      !registry.has(node.action.handler)
    )
      missing.add(node.action.handler);
  return [...missing].map((handler) =>
    makeDiagnostic(
      options.file,
      { line: 1, column: 1, length: 1 },
      'handler',
      `handler "${handler}" is not registered on this server: its nodes will fail`,
      'warning',
    ),
  );
}
