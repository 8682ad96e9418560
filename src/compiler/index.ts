/**
 * src/compiler — from (config text, event) to a workflow Graph, or to diagnostics.
 *
 * Owns: the pipeline.yaml v1 language (schema in ./schema, the single source of the JSON Schema
 * and the types), YAML loading with positions, semantic checks, trigger matching, matrix
 * expansion and the Graph format the runtime executes. Pure: no I/O, no clock, no database; it
 * imports nothing of runtime, forges, api, webhooks or cli (enforced by lint).
 */
export { compilePipeline, validatePipeline } from './compile.js';
export type { CompileOptions, CompileResult, ValidationResult } from './compile.js';
export type { ExcludedJob } from './build-graph.js';
export { diagnosticsToJson, formatDiagnostic, formatDiagnostics } from './diagnostics.js';
export type { Diagnostic, Rule, Severity } from './diagnostics.js';
export { formatDuration, parseDuration } from './duration.js';
export type { Graph, GraphNode, NodeAction, NodeTimeouts, PollSpec, RetryPolicy } from './graph.js';
export { registryOf } from './handler-spec.js';
export type { HandlerRegistry, HandlerSpec } from './handler-spec.js';
export { toMermaid } from './mermaid.js';
export type { TriggerMiss } from './trigger-match.js';
export { PipelineSchema } from './schema/pipeline.js';
