/**
 * The spec file edits of a release sync, done on its text: a spec comes from the repository,
 * and rpm or rpmspec would run its macros (%(...) is a shell), so neither ever sees it. The
 * Version is set, the Release reset, a %changelog entry added above dist-git's own entries, and
 * the source URL read with the few macros it uses expanded (%global/%define without arguments,
 * Name, Version, Release, URL); anything else in it is refused, not guessed.
 */
import { badInput } from './names.js';

export const SPEC_MAX_BYTES = 512 * 1024;
const EXPANSION_ROUNDS = 10;
const URL_MAX_CHARS = 2000;

/** The value of the first `Tag:` line (tags are case-insensitive), or null. */
export function specTag(spec: string, tag: string): string | null {
  const found = new RegExp(`^${escape(tag)}[ \\t]*:[ \\t]*(.*?)[ \\t]*$`, 'im').exec(spec);
  return found?.[1] ?? null;
}

function replaceTag(spec: string, tag: string, value: string): string | null {
  const pattern = new RegExp(`^(${escape(tag)}[ \\t]*:[ \\t]*)(.*?)([ \\t]*)$`, 'im');
  if (!pattern.test(spec)) return null;
  return spec.replace(
    pattern,
    (_all, head: string, _old: string, tail: string) => head + value + tail,
  );
}

/** Version set, Release back to 1 (unless %autorelease counts it). */
export function withVersion(spec: string, version: string): string {
  const versioned = replaceTag(spec, 'Version', version);
  if (versioned === null) throw badInput('the spec file has no Version: line');
  const release = specTag(versioned, 'Release');
  if (release === null || release.includes('%autorelease')) return versioned;
  return replaceTag(versioned, 'Release', '1%{?dist}') ?? versioned;
}

/** `* Mon Dec 07 2026 Packager <mail> - 1.2-1` and its line. */
export function changelogEntry(version: string, packager: string, at: Date): string {
  const day = at.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
  const month = at.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' });
  const date = String(at.getUTCDate()).padStart(2, '0');
  return `* ${day} ${month} ${date} ${at.getUTCFullYear()} ${packager} - ${version}-1\n- Update to ${version} upstream release\n`;
}

interface Changelog {
  head: string;
  body: string;
}

function splitChangelog(spec: string): Changelog | null {
  const found = /^%changelog[ \t]*$/m.exec(spec);
  if (found === null) return null;
  const end = found.index + found[0].length;
  return { head: spec.slice(0, end), body: spec.slice(end).replace(/^\n/, '') };
}

/**
 * The spec with `entry` at the top of its %changelog, above dist-git's entries (the upstream
 * spec's own with `sync_changelog`); untouched under %autochangelog.
 */
export function withChangelog(
  spec: string,
  distGitSpec: string | null,
  entry: string,
  syncChangelog: boolean,
): string {
  const ours = splitChangelog(spec);
  const theirs = distGitSpec === null ? null : splitChangelog(distGitSpec);
  if (ours === null) return `${spec.replace(/\n*$/, '\n')}\n%changelog\n${entry}`;
  const body = syncChangelog || theirs === null ? ours.body : theirs.body;
  if (body.includes('%autochangelog')) return `${ours.head}\n${body}`;
  return `${ours.head}\n${entry}${body.trim() === '' ? '' : `\n${body}`}`;
}

/** The URL of `sourceId` (`Source0` is also `Source:`), its macros expanded; null: none. */
export function sourceUrl(spec: string, sourceId: string): string | null {
  if (!/^Source\d*$/i.test(sourceId))
    throw badInput(`not a spec source: ${JSON.stringify(sourceId)}`);
  const ids = /^source0?$/i.test(sourceId) ? ['Source0', 'Source'] : [sourceId];
  const raw = ids.map((id) => specTag(spec, id)).find((value) => value !== null) ?? null;
  if (raw === null || !/^[a-z]+:\/\//i.test(expand(spec, raw))) return null;
  return expand(spec, raw);
}

/** `%{name}`, `%name`, `%{?name}` replaced from the spec's own simple definitions. */
function expand(spec: string, text: string): string {
  const macros = definitions(spec);
  let value = text;
  for (let round = 0; round < EXPANSION_ROUNDS && value.includes('%'); round++) {
    value = value.replace(
      /%\{(\?)?([A-Za-z_]\w*)\}|%([A-Za-z_]\w*)/g,
      (all, optional: string | undefined, braced: string | undefined, bare: string | undefined) => {
        const name = (braced ?? bare)!;
        const found = macros.get(name);
        if (found !== undefined) return found;
        return optional ? '' : all;
      },
    );
    if (value.length > URL_MAX_CHARS) throw badInput('the source URL expands to too long a text');
  }
  if (/%(?!%)/.test(value.replaceAll('%%', '')))
    throw badInput(
      `the source URL ${JSON.stringify(text.slice(0, 200))} uses a macro forgeflow does not expand (only %global/%define values, name, version, release, url)`,
    );
  return value.replaceAll('%%', '%');
}

function definitions(spec: string): Map<string, string> {
  const macros = new Map<string, string>();
  for (const found of spec.matchAll(
    /^%(?:global|define)[ \t]+([A-Za-z_]\w*)[ \t]+(.+?)[ \t]*$/gm,
  )) {
    const [, name, value] = found;
    if (name !== undefined && value !== undefined && !macros.has(name) && !value.endsWith('\\'))
      macros.set(name, value);
  }
  for (const tag of ['Name', 'Version', 'Release', 'URL']) {
    const value = specTag(spec, tag);
    if (value !== null) macros.set(tag.toLowerCase(), value);
  }
  return macros;
}

/** The file name a source URL gives: its `#/name` fragment, else its path's last segment. */
export function sourceFileName(url: string): string {
  const hash = url.indexOf('#/');
  if (hash >= 0) return url.slice(hash + 2);
  const path = new URL(url).pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
