/**
 * The body of `POST /v0.1/requests` for one tests job and target, as Packit builds it: the fmf
 * tree (`test.fmf`: url, ref, path, `name` = the tmt plan regex), one environment per compose
 * and arch with the Copr build as a `fedora-copr-build` artifact (`"<build id>:<chroot>"`), the
 * variables (packit-service's of the build, then the job's), the tmt context and the
 * post-install script; then `tf_extra_params` merged in.
 *
 * The merge follows Packit's: only the `test`, `environments` and `settings` subtrees of the
 * extra params are taken; a key the request lacks, or a scalar, is set; objects merge key by
 * key; lists merge element by element (extra elements are dropped); `artifacts` lists are
 * appended to, never replaced; values of another type than the request's are ignored. Packit
 * sends the fmf tree as `test.tmt` (Testing Farm's other name for `test.fmf`), so extra params
 * written for Packit say `test.tmt`: that is merged into `test.fmf`.
 */
import type { TestingFarmRunInput } from '../../compiler/packit/handler-inputs.js';
import { coprVariables } from './copr-variables.js';

export type TestingFarmRunRunInput = Pick<
  TestingFarmRunInput,
  'fmf_url' | 'fmf_ref' | 'environments'
> &
  Partial<TestingFarmRunInput>;

/** The parts of `tf_extra_params` merged into a request (Packit's list). */
export const MERGED_SUBTREES = ['test', 'environments', 'settings'] as const;

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFinal(value: Json): boolean {
  return !Array.isArray(value) && !isObject(value);
}

function kind(value: Json): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** Merges `extra` into `target` in place, Packit's way (see the file comment). */
export function mergeExtraParams(target: Json, extra: Json): void {
  if (kind(target) !== kind(extra)) return;
  if (isObject(target) && isObject(extra)) {
    for (const [key, value] of Object.entries(extra)) {
      if (!(key in target) || isFinal(value)) {
        target[key] = structuredClone(value);
      } else if (key === 'artifacts') {
        const current = target[key];
        if (Array.isArray(value) && Array.isArray(current))
          current.push(...(structuredClone(value) as Json[]));
      } else {
        mergeExtraParams(target[key], value);
      }
    }
  } else if (Array.isArray(target) && Array.isArray(extra)) {
    const length = Math.min(target.length, extra.length);
    for (let i = 0; i < length; i++) mergeExtraParams(target[i], extra[i]);
  }
}

/** `test.tmt` of extra params written for Packit, as the `test.fmf` this body uses. */
function packitTestKey(extra: JsonObject): JsonObject {
  const test = extra.test;
  if (!isObject(test) || !('tmt' in test) || 'fmf' in test) return extra;
  const { tmt, ...rest } = test;
  return { ...extra, test: { ...rest, fmf: tmt } };
}

/** The request body; `ignored` lists the extra params' keys that were not merged. */
export function testingFarmRequestBody(input: TestingFarmRunRunInput): {
  body: JsonObject;
  ignored: string[];
} {
  const fmf: JsonObject = { url: input.fmf_url };
  // No ref: Testing Farm checks out the repository's default branch (Packit sends none either).
  if (input.fmf_ref) fmf.ref = input.fmf_ref;
  if (input.fmf_path) fmf.path = input.fmf_path;
  if (input.tmt_plan) fmf.name = input.tmt_plan;
  const build = input.copr_build ?? null;
  const environments = input.environments.map((environment): JsonObject => ({
    arch: environment.arch,
    os: { compose: environment.compose },
    ...(build === null
      ? {}
      : {
          artifacts: [{ id: `${build.build_id}:${build.chroot}`, type: 'fedora-copr-build' }],
        }),
    tmt: { context: { ...(input.tmt_context ?? {}) } },
    // Packit tells the tests about the build (copr-variables.ts); the job's own variables win.
    variables: { ...coprVariables(build), ...(input.variables ?? {}) },
    ...(input.post_install_script
      ? { settings: { provisioning: { post_install_script: input.post_install_script } } }
      : {}),
  }));
  const body: JsonObject = { test: { fmf }, environments };
  const extra = packitTestKey(input.extra_params ?? {});
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(extra)) {
    if (!(MERGED_SUBTREES as readonly string[]).includes(key)) {
      ignored.push(key);
    } else if (!(key in body)) {
      body[key] = structuredClone(value);
    } else {
      mergeExtraParams(body[key], value);
    }
  }
  return { body, ignored };
}
