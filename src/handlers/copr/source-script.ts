/**
 * The script Copr's custom build method runs to make a build's sources, like Packit (which runs
 * `packit prepare-sources` there): clone the repository, check out the commit, and leave the
 * spec file with its sources in a result directory Copr makes the SRPM from. Local sources come
 * from the package directory at that commit; remote `Source:` URLs are fetched with spectool.
 *
 * Why the custom method and not Copr's SCM method: SCM needs the repository in one of Copr's
 * source layouts (rpkg templates, a .copr/Makefile, tito), the script works with a plain spec
 * file, and `srpm_build_deps` are exactly its build dependencies, as in Packit.
 *
 * Values in the script come from the event (the clone URL, the commit) and the repository's
 * config (paths). None can change what the script does: the commit must be a hash, the URL an
 * http(s) URL without credentials, paths relative and free of `..` and control characters,
 * and every value is assigned once, single-quoted, and only ever expanded inside double quotes.
 */
import { shellQuote } from '../../common/shell-words.js';
import type { CoprBuildInput } from '../../compiler/packit/handler-inputs.js';
import { HandlerError } from '../../contracts/errors.js';

/** Where the script leaves the spec file and sources (relative to its working directory). */
export const RESULT_DIR = 'forgeflow-sources';
/** What the script itself needs, before the project's `srpm_build_deps`. */
export const SCRIPT_BUILDDEPS = ['git', 'tar', 'rpmdevtools'];

export type SourceScriptInput = Pick<
  CoprBuildInput,
  'clone_url' | 'committish' | 'subdirectory' | 'specfile_path' | 'package' | 'srpm_build_deps'
>;

export interface SourceScript {
  script: string;
  builddeps: string[];
  resultdir: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function refuse(message: string): HandlerError {
  return new HandlerError('CoprBadInput', message, { nonRetryable: true });
}

function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** A full or abbreviated commit hash; a branch or tag name could move (and could say anything). */
export function checkCommittish(committish: string): string {
  if (!/^[0-9a-f]{7,64}$/i.test(committish))
    throw refuse(
      `committish must be a commit hash (7 to 64 hex digits), got ${shown(committish)}: copr.build builds one commit`,
    );
  return committish.toLowerCase();
}

/** An http(s) URL without user info, whitespace or control characters. */
export function checkCloneUrl(cloneUrl: string): string {
  if (CONTROL.test(cloneUrl) || /\s/.test(cloneUrl))
    throw refuse(`clone_url ${shown(cloneUrl)} contains whitespace or control characters`);
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    throw refuse(`clone_url ${shown(cloneUrl)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse(`clone_url must be an http(s) URL, got ${url.protocol} in ${shown(cloneUrl)}`);
  if (url.username !== '' || url.password !== '')
    throw refuse(
      'clone_url must not carry credentials: Copr clones it in public build logs (use a public repository URL)',
    );
  return url.href;
}

/** A relative path inside the repository: no `..`, no leading `/`, no control characters. */
export function checkRelativePath(name: string, path: string): string {
  if (CONTROL.test(path)) throw refuse(`${name} ${shown(path)} contains control characters`);
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (path.startsWith('/') || parts.includes('..'))
    throw refuse(`${name} must be a path inside the repository, got ${shown(path)}`);
  return parts.length === 0 ? '.' : parts.join('/');
}

/** Names Copr passes to dnf as one space-separated list: no whitespace inside one. */
function checkBuilddeps(deps: readonly string[]): string[] {
  for (const dep of deps) {
    if (dep === '' || /\s/.test(dep) || CONTROL.test(dep))
      throw refuse(`srpm_build_deps entry ${shown(dep)} is not a package name`);
  }
  return [...deps];
}

/** The checked script, its build dependencies and result directory; throws CoprBadInput. */
export function sourceScript(input: SourceScriptInput): SourceScript {
  const cloneUrl = checkCloneUrl(input.clone_url);
  const committish = checkCommittish(input.committish);
  const subdirectory = checkRelativePath('subdirectory', input.subdirectory);
  const specfile =
    input.specfile_path === null || input.specfile_path === ''
      ? ''
      : checkRelativePath('specfile_path', input.specfile_path);
  const builddeps = [...SCRIPT_BUILDDEPS, ...checkBuilddeps(input.srpm_build_deps)];
  const pkg = CONTROL.test(input.package) ? '' : input.package;
  const script = [
    '#!/bin/sh',
    '# Made by forgeflow (copr.build): the spec file and sources of one commit.',
    'set -eu',
    `clone_url=${shellQuote(cloneUrl)}`,
    `committish=${shellQuote(committish)}`,
    `subdirectory=${shellQuote(subdirectory)}`,
    `specfile=${shellQuote(specfile)}`,
    `package=${shellQuote(pkg)}`,
    `resultdir="$PWD/${RESULT_DIR}"`,
    'mkdir -p "$resultdir"',
    'git clone --quiet -- "$clone_url" forgeflow-repository',
    'cd forgeflow-repository',
    'git -c advice.detachedHead=false checkout --quiet "$committish"',
    'cd -- "$subdirectory"',
    'if [ -z "$specfile" ]; then',
    '  for candidate in *.spec; do specfile=$candidate; break; done',
    'fi',
    'if [ ! -f "$specfile" ]; then',
    '  echo "forgeflow: no spec file for $package in $subdirectory at $committish" >&2',
    '  exit 1',
    'fi',
    'tar --exclude=.git -cf - . | tar -xf - -C "$resultdir"',
    'spec=$(basename -- "$specfile")',
    '# Copr makes the SRPM from the one spec file at the top of the result directory.',
    'find "$resultdir" -maxdepth 1 -name "*.spec" ! -name "$spec" -exec rm -f -- {} +',
    'cp -- "$specfile" "$resultdir/$spec"',
    'cd -- "$resultdir"',
    'spectool --get-files --directory "$resultdir" -- "$spec"',
    '',
  ].join('\n');
  return { script, builddeps, resultdir: RESULT_DIR };
}
