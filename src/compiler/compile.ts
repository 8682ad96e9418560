/**
 * The compiler's two entry points. `validatePipeline` gives every diagnostic at once (up to
 * limits.ts's maxDiagnostics); `compilePipeline` then matches the event against the triggers
 * and builds the graph. Pure: text and event in, data out; no I/O, no clock. Bounded: the text,
 * then the expanded document, then the graph's size (checks/sizes.ts) are measured before the
 * schema and the checks walk them.
 */
import type { Event } from '../events/event.js';
import { buildGraph, type ExcludedJob } from './build-graph.js';
import { checkControls } from './checks/controls.js';
import { checkDurations } from './checks/durations.js';
import { checkExecInjection } from './checks/exec-injection.js';
import { checkSecretUse } from './checks/secrets.js';
import { CheckContext } from './checks/context.js';
import { checkExpressions, checkNulCharacters } from './checks/expressions.js';
import { checkHandlers } from './checks/handlers.js';
import { checkCheckout } from './checks/checkout.js';
import { checkInputs } from './checks/inputs.js';
import { checkJobs } from './checks/jobs.js';
import { checkMatrices } from './checks/matrix.js';
import { refuseOversized } from './checks/sizes.js';
import { checkTriggers } from './checks/triggers.js';
import { checkSchedules } from './checks/schedules.js';
import { declaredSchedules } from './cron.js';
import type { DeclaredSchedule } from '../contracts/schedules.js';
import { capDiagnostics, type Diagnostic, finalizeDiagnostics, hasErrors } from './diagnostics.js';
import type { Graph } from '../contracts/graph.js';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import { checkVersion, describeLocation } from './locations.js';
import { schemaDiagnostics } from './schema-errors.js';
import type { PipelineConfig } from './schema/pipeline.js';
import { matchTriggers, needsChangedPaths, type TriggerMiss } from './trigger-match.js';
import type { InputProblem } from '../contracts/inputs.js';
import { declaredInputs } from './inputs/declared.js';
import { defaultInputs, resolveInputs } from './inputs/resolve.js';
import { validatePipelineShape } from './validators.js';
import { Locator, loadYaml, makeDiagnostic } from './yaml-source.js';

export interface CompileOptions {
  /** The file name shown in diagnostics and used as the default pipeline name. */
  file?: string;
  handlers: HandlerRegistry;
}

export type ValidationResult =
  | { ok: true; pipeline: PipelineConfig; name: string; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** What compiling a config without inputs gives (a Packit config's compile too). */
export type ConfigResult =
  | { status: 'invalid'; diagnostics: Diagnostic[] }
  | {
      status: 'not-triggered';
      pipeline: string;
      misses: TriggerMiss[];
      /** A .packit.yaml's jobs that did not run, each with the reason. */
      excluded?: ExcludedJob[];
      diagnostics: Diagnostic[];
      /** What `on.schedule` declares, whatever the event (the server learns it: contracts/schedules.ts). */
      schedules?: DeclaredSchedule[];
    }
  | {
      status: 'graph';
      graph: Graph;
      excluded: ExcludedJob[];
      note?: string;
      /**
       * The trigger matched, but its `paths` filter waits for the changed files, which the
       * event lacks (trigger-match.ts `needsChangedPaths`): compile again with them.
       */
      wantsChangedPaths?: true;
      diagnostics: Diagnostic[];
      schedules?: DeclaredSchedule[];
    };

/** A manual start whose input values do not fit the declared inputs: every problem. */
export interface InvalidInputs {
  status: 'invalid-inputs';
  pipeline: string;
  errors: InputProblem[];
  diagnostics: Diagnostic[];
  schedules?: DeclaredSchedule[];
}

export type CompileResult = ConfigResult | InvalidInputs;

export function validatePipeline(text: string, options: CompileOptions): ValidationResult {
  const file = options.file ?? 'pipeline.yaml';
  try {
    const result = validateUnsafe(text, file, options.handlers);
    return { ...result, diagnostics: capDiagnostics(result.diagnostics) };
  } catch (error) {
    // A compiler bug must still come out as a diagnostic, never as a crash of the caller.
    const message = `internal compiler error: ${error instanceof Error ? error.message : String(error)}`;
    return {
      ok: false,
      diagnostics: [makeDiagnostic(file, { line: 1, column: 1, length: 1 }, 'syntax', message)],
    };
  }
}

function validateUnsafe(text: string, file: string, handlers: HandlerRegistry): ValidationResult {
  const loaded = loadYaml(text, file);
  if (!loaded.ok) return { ok: false, diagnostics: finalizeDiagnostics(loaded.diagnostics) };
  const { source } = loaded;
  const value = source.value;
  const locator = new Locator(source);
  // Concatenated, never pushed as spread arguments: a list of 100,000 overflows the stack.
  let diagnostics = loaded.diagnostics;
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    const what =
      value === null || value === undefined
        ? 'the file is empty'
        : `the file holds ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`;
    diagnostics.push(
      makeDiagnostic(
        file,
        locator.span([]),
        'schema',
        `a pipeline is a mapping with "version", "on" and "jobs"; ${what}`,
      ),
    );
    return { ok: false, diagnostics: finalizeDiagnostics(diagnostics) };
  }

  const ctx = new CheckContext(file, locator, handlers);
  if (refuseOversized(ctx, value))
    return { ok: false, diagnostics: finalizeDiagnostics(diagnostics.concat(ctx.diagnostics)) };
  const validate = validatePipelineShape();
  if (!validate(value)) {
    const errors = (validate.errors ?? []).filter((e) => e.instancePath !== '/version');
    diagnostics = diagnostics.concat(
      schemaDiagnostics(errors, value, {
        file,
        locator,
        base: [],
        rule: 'schema',
        describe: describeLocation,
      }),
    );
  }
  checkVersion(ctx, value as Record<string, unknown>);
  checkJobs(ctx, value);
  checkMatrices(ctx, value);
  checkControls(ctx, value);
  checkTriggers(ctx, value);
  checkSchedules(ctx, value);
  checkInputs(ctx, value);
  checkDurations(ctx, value);
  checkHandlers(ctx, value);
  checkCheckout(ctx, value);
  checkExpressions(ctx, value);
  checkExecInjection(ctx, value);
  checkSecretUse(ctx, value);
  checkNulCharacters(ctx, value);
  const final = finalizeDiagnostics(diagnostics.concat(ctx.diagnostics));
  if (hasErrors(final)) return { ok: false, diagnostics: final };
  const pipeline = value as PipelineConfig;
  return { ok: true, pipeline, name: pipeline.name ?? defaultName(file), diagnostics: final };
}

export function compilePipeline(
  text: string,
  event: Event,
  options: CompileOptions,
): CompileResult {
  const validated = validatePipeline(text, options);
  if (!validated.ok) return { status: 'invalid', diagnostics: validated.diagnostics };
  const { pipeline, name, diagnostics } = validated;
  const schedules = declaredSchedules(pipeline.on);
  const match = matchTriggers(pipeline.on, event);
  if (!match.matched)
    return {
      status: 'not-triggered',
      pipeline: name,
      misses: match.misses,
      diagnostics,
      schedules,
    };
  // A manual start is held to the declared inputs; any other trigger reads their defaults.
  const declared = declaredInputs(pipeline.on);
  const inputs =
    match.trigger === 'manual'
      ? resolveInputs(declared, event.inputs)
      : { ok: true as const, values: defaultInputs(declared) };
  if (!inputs.ok)
    return {
      status: 'invalid-inputs',
      pipeline: name,
      errors: inputs.errors,
      diagnostics,
      schedules,
    };
  const { graph, excluded } = buildGraph({
    pipeline,
    name,
    file: options.file ?? 'pipeline.yaml',
    text,
    trigger: match.trigger,
    event,
    inputs: declared.length > 0 ? inputs.values : null,
  });
  return {
    status: 'graph',
    graph,
    excluded,
    diagnostics,
    schedules,
    ...(match.note ? { note: match.note } : {}),
    ...(needsChangedPaths(pipeline.on, event) ? { wantsChangedPaths: true as const } : {}),
  };
}

/** `ci/pipeline.yaml` → `pipeline`. */
function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  // Stored and indexed with every run: as long as a `name:` may be.
  return base.replace(/\.(ya?ml|json)$/i, '').slice(0, 100) || 'pipeline';
}
