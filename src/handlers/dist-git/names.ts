/**
 * The names propose_downstream takes from a repository (its tag, version, package, branch,
 * file paths), checked before any reaches git's argv, a URL or the file system. What fails
 * is refused for good (`DistGitBadInput`): the same input would fail again.
 */
import { HandlerError } from '../../contracts/errors.js';

export function badInput(message: string): HandlerError {
  return new HandlerError('DistGitBadInput', message, { nonRetryable: true });
}

/** Fedora package names: letters, digits and `._+-`, not starting with a dot or dash. */
const PACKAGE = /^[A-Za-z0-9_+][A-Za-z0-9._+-]{0,99}$/;
/** RPM versions: no dash, no whitespace; `~` and `^` are RPM's pre/post-release marks. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~^]{0,63}$/;
/** Dist-git branches as Fedora names them (main, rawhide, f45, epel10.1, c10s). */
const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TAG = /^[A-Za-z0-9._+~^@/-]{1,200}$/;
const FILE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+~^-]{0,199}$/;

export function checkedPackage(name: string): string {
  if (!PACKAGE.test(name)) throw badInput(`not a dist-git package name: ${JSON.stringify(name)}`);
  return name;
}

export function checkedBranch(name: string): string {
  if (!BRANCH.test(name) || badRefPart(name))
    throw badInput(`not a dist-git branch: ${JSON.stringify(name)}`);
  return name;
}

/** The version a tag names under `upstream_tag_template` (`v{version}` reads v1.2 as 1.2). */
export function versionOfTag(tag: string, template: string): string {
  if (!TAG.test(tag)) throw badInput(`not a release tag forgeflow takes: ${JSON.stringify(tag)}`);
  const parts = template.split('{version}');
  if (parts.length !== 2)
    throw badInput(
      `upstream_tag_template must hold {version} once: ${JSON.stringify(template.slice(0, 100))}`,
    );
  const [before = '', after = ''] = parts;
  if (!tag.startsWith(before) || !tag.endsWith(after) || tag.length <= before.length + after.length)
    throw badInput(
      `the tag ${JSON.stringify(tag)} does not match upstream_tag_template ${JSON.stringify(template)}`,
    );
  const version = tag.slice(before.length, tag.length - after.length);
  if (!VERSION.test(version) || version.includes('..'))
    throw badInput(
      `the tag ${JSON.stringify(tag)} names ${JSON.stringify(version)}, not an RPM version`,
    );
  return version;
}

/** The fork's branch for one (release, dist-git branch): the same on every attempt. */
export function forkBranch(version: string, branch: string): string {
  const name = `${version.replace(/[~^]/g, '-')}-${branch}-update-propose_downstream`;
  if (badRefPart(name)) throw badInput(`cannot name a branch after ${JSON.stringify(version)}`);
  return name;
}

/** A source file's name as the lookaside cache and the `sources` file hold it. */
export function checkedFileName(name: string): string {
  if (!FILE_NAME.test(name) || name.includes('..'))
    throw badInput(`not a source file name forgeflow uploads: ${JSON.stringify(name)}`);
  return name;
}

/**
 * A relative path inside a repository: no absolute path, no `..` or `.` segment, nothing
 * under `.git`, no control characters. Returns its segments.
 */
export function checkedPath(path: string, what: string): string[] {
  const trimmed = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const segments = trimmed.split('/');
  const refused =
    trimmed === '' ||
    path.startsWith('/') ||
    path.length > 1000 ||
    /[\0-\x1f\x7f\\]/.test(path) ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git');
  if (refused)
    throw badInput(
      `${what}: ${JSON.stringify(path.slice(0, 200))} is not a path inside the repository`,
    );
  return segments;
}

/** What git refuses in a ref name besides the characters the patterns leave out. */
function badRefPart(name: string): boolean {
  return /\.\.|\/\/|\/\.|^\.|\.lock(?:\/|$)|[/.]$|@\{/.test(name);
}
