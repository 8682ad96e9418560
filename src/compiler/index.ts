/**
 * src/compiler — from (config text, event) to a workflow Graph, or to diagnostics.
 *
 * Owns: the pipeline.yaml v1 language (schema in ./schema, the single source of the JSON Schema
 * and the types), the .packit.yaml front-end (./packit), YAML loading with positions, semantic
 * checks, trigger matching, matrix expansion and the Graph format the runtime executes. Pure: no I/O, no clock, no database; it
 * imports nothing of runtime, forges, api, webhooks or cli (enforced by lint).
 */
export { compilePipeline, validatePipeline } from './compile.js';
export type {
  CompileOptions,
  CompileResult,
  ConfigResult,
  InvalidInputs,
  ValidationResult,
} from './compile.js';
export type { ExcludedJob } from './build-graph.js';
export { declaredInputs, type DeclaredInput } from './inputs/declared.js';
export { defaultInputs, resolveInputs, type InputResolution } from './inputs/resolve.js';
export { diagnosticsToJson, formatDiagnostic, formatDiagnostics } from './diagnostics.js';
export type { Diagnostic, Rule, Severity } from './diagnostics.js';
export { formatDuration, parseDuration } from '../contracts/duration.js';
export { GRAPH_FORMAT } from '../contracts/graph.js';
export type {
  Graph,
  GraphNode,
  NodeAction,
  NodeTimeouts,
  PollSpec,
  RetryPolicy,
  StoredGraph,
} from '../contracts/graph.js';
export { COMPILE_LIMITS } from './limits.js';
export { needsIndex, type NeedsIndex } from '../contracts/needs.js';
export { registryOf } from '../contracts/handler-spec.js';
export type { HandlerRegistry, HandlerSpec } from '../contracts/handler-spec.js';
export { toMermaid } from './mermaid.js';
export type { TriggerMiss } from './trigger-match.js';
export { needsChangedPaths } from './trigger-match.js';
export { PipelineSchema } from './schema/pipeline.js';
export { compilePackit, validatePackit } from './packit/compile.js';
export { compileConfig, isPackitConfig, validateConfig } from './config.js';
export type { ConfigOptions } from './config.js';
export type { PackitOptions, PackitValidation } from './packit/compile.js';
export type { PreviousNode } from './packit/previous.js';
export { isPackitFile, PACKIT_FILE_NAMES } from './packit/files.js';
export { PACKIT_PIPELINE } from './packit/graph.js';
export { DEFAULT_RELEASES, parseReleasesTable } from './packit/releases.js';
export type { ReleasesTable } from './packit/types.js';
