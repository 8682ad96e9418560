/**
 * Which front-end a CLI file goes through: a Packit config by its name (`.packit.yaml`,
 * `.packit.yml`, `packit.yaml`, `packit.yml`) or with `--packit`, a pipeline.yaml otherwise.
 * `validate`, `plan` and `run` share this.
 */
import { basename, dirname, resolve } from 'node:path';
import {
  compilePackit,
  compilePipeline,
  isPackitFile,
  validatePackit,
  validatePipeline,
  type CompileResult,
  type Diagnostic,
} from '../compiler/index.js';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { Event } from '../events/event.js';
import { readPackitReleases } from './packit-releases.js';

/** The flag that makes any file a Packit config. */
export const PACKIT_OPTION = { packit: { type: 'boolean', default: false } } as const;

export function isPackitConfig(file: string, flag: boolean | undefined): boolean {
  return flag === true || isPackitFile(file);
}

export function validateConfig(
  file: string,
  text: string,
  packit: boolean,
  handlers: HandlerRegistry,
): { ok: boolean; diagnostics: Diagnostic[] } {
  if (!packit) return validatePipeline(text, { file, handlers });
  // Packit's default package name is the repository's: here, the directory the file is in.
  return validatePackit(text, {
    file,
    repoName: basename(dirname(resolve(file))),
    ...releases(),
  });
}

export function compileConfig(
  file: string,
  text: string,
  event: Event,
  packit: boolean,
  handlers: HandlerRegistry,
): CompileResult {
  if (!packit) return compilePipeline(text, event, { file, handlers });
  // Packit jobs name their handlers themselves; every worker registers them all.
  return compilePackit(text, event, { file, repoName: event.repo.name, ...releases() });
}

function releases() {
  const table = readPackitReleases(process.env);
  return table ? { releases: table } : {};
}
