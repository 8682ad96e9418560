/**
 * One config, two front-ends: a Packit config (`.packit.yaml` and the other names Packit reads,
 * or any file said to be one) goes through the Packit front-end, anything else is a
 * pipeline.yaml. The CLI (`validate`, `plan`, `run`, `runs start`) and the API (`POST
 * /api/v1/runs`, `POST /api/v1/validate`) choose through here, so a file compiles the same
 * way wherever it is given.
 */
import type { Diagnostic } from './diagnostics.js';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { Event } from '../events/event.js';
import { compilePipeline, validatePipeline, type CompileResult } from './compile.js';
import { compilePackit, validatePackit } from './packit/compile.js';
import { isPackitFile } from './packit/files.js';
import { declaredInputs, type DeclaredInput } from './inputs/declared.js';
import type { ReleasesTable } from './packit/types.js';

/** A Packit config: said to be one (`--packit`, `"packit": true`), or by its file name. */
export function isPackitConfig(file: string, packit: boolean | undefined): boolean {
  return packit === true || isPackitFile(file);
}

export interface ConfigOptions {
  /** The file name shown in diagnostics. */
  file: string;
  /** Compile as a Packit config (isPackitConfig). */
  packit: boolean;
  /** The handlers pipelines are checked against (a Packit config: warned about when missing). */
  handlers: HandlerRegistry;
  /** Packit: the repository's name, its default package name. */
  repoName?: string;
  /** Packit: the Fedora/EPEL releases its target aliases expand to; the built-in table when absent. */
  releases?: ReleasesTable | null;
}

/** Diagnostics, and a valid pipeline.yaml's declared inputs (a form to start it is made of them). */
export function validateConfig(
  text: string,
  options: ConfigOptions,
): { ok: boolean; diagnostics: Diagnostic[]; inputs: DeclaredInput[] } {
  const { file, handlers } = options;
  if (options.packit) {
    const { ok, diagnostics } = validatePackit(text, { file, handlers, ...packitOptions(options) });
    return { ok, diagnostics, inputs: [] };
  }
  const result = validatePipeline(text, { file, handlers });
  return {
    ok: result.ok,
    diagnostics: result.diagnostics,
    inputs: result.ok ? declaredInputs(result.pipeline.on) : [],
  };
}

/** The graph `event` starts, or why it starts none. Packit's repoName defaults to the event's. */
export function compileConfig(text: string, event: Event, options: ConfigOptions): CompileResult {
  const { file, handlers } = options;
  if (!options.packit) return compilePipeline(text, event, { file, handlers });
  if (Object.keys(event.inputs ?? {}).length > 0)
    return {
      status: 'invalid-inputs',
      pipeline: file,
      errors: [{ input: '', message: 'a Packit config declares no inputs' }],
      diagnostics: [],
    };
  return compilePackit(text, event, {
    file,
    handlers,
    ...packitOptions({ repoName: event.repo.name, ...options }),
  });
}

function packitOptions(options: ConfigOptions): { repoName?: string; releases?: ReleasesTable } {
  return {
    ...(options.repoName !== undefined ? { repoName: options.repoName } : {}),
    ...(options.releases ? { releases: options.releases } : {}),
  };
}
