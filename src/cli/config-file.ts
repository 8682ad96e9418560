/**
 * Which front-end a CLI file goes through: a Packit config by its name (`.packit.yaml`,
 * `.packit.yml`, `packit.yaml`, `packit.yml`) or with `--packit`, a pipeline.yaml otherwise
 * (the compiler's isPackitConfig, which the API uses too). `validate`, `plan`, `run` and
 * `runs start` share this.
 */
import { basename, dirname, resolve } from 'node:path';
import {
  compileConfig as compile,
  validateConfig as validate,
  type CompileResult,
  type Diagnostic,
} from '../compiler/index.js';
import type { HandlerRegistry } from '../contracts/handler-spec.js';
import type { Event } from '../events/event.js';
import { readPackitReleases } from './packit-releases.js';

export { isPackitConfig } from '../compiler/index.js';

/** The flag that makes any file a Packit config. */
export const PACKIT_OPTION = { packit: { type: 'boolean', default: false } } as const;

export function validateConfig(
  file: string,
  text: string,
  packit: boolean,
  handlers: HandlerRegistry,
): { ok: boolean; diagnostics: Diagnostic[] } {
  // Packit's default package name is the repository's: here, the directory the file is in.
  const repoName = basename(dirname(resolve(file)));
  return validate(text, { file, packit, handlers, repoName, ...releases(packit) });
}

export function compileConfig(
  file: string,
  text: string,
  event: Event,
  packit: boolean,
  handlers: HandlerRegistry,
): CompileResult {
  return compile(text, event, { file, packit, handlers, ...releases(packit) });
}

/** FORGEFLOW_PACKIT_RELEASES, read for a Packit config only. */
function releases(packit: boolean) {
  return packit ? { releases: readPackitReleases(process.env) } : {};
}
