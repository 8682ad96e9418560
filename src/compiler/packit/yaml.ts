/**
 * Reads a `.packit.yaml` the way Packit's PyYAML `safe_load` does: YAML 1.1 (yes/no/on/off
 * are booleans, but y/n and "." stay strings), a repeated key is a warning (the last one
 * wins), an empty file is `{}`, and with several `<<` merge keys in one mapping the later one
 * wins. Hostile input (size, depth, alias bombs, a self-referencing alias) is refused by
 * parseYaml and readYamlValue, as for a pipeline.yaml. Most files are read by quick-read.ts, which vouches only for files
 * that read without a diagnostic; the library then parses them only if a later check needs to
 * point at a place in the file.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Range, Scalar, YAMLMap } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import {
  isMergeKey,
  Locator,
  makeDiagnostic,
  parseYaml,
  readYamlValue,
  type LoadResult,
  type Parsed,
} from '../yaml-source.js';
import type { PackitLocator } from './locate.js';
import { laterMergesFirst } from './merge-order.js';
import { quickRead } from './quick-read.js';
import { PACKIT_WORDS, packitSays } from './words.js';

export type PackitYaml =
  | {
      ok: true;
      locator: PackitLocator;
      value: Record<string, unknown>;
      diagnostics: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

export function readPackitYaml(text: string, file: string): PackitYaml {
  // Most files take the quick reader, and the library parses them only to point at something.
  const quick = quickRead(text);
  if (quick) {
    const locator = new Locator(() => {
      const slow = readAsPyYaml(text, file);
      if (!slow.ok) throw new Error('the quick reader read a file the library refuses');
      return slow.source;
    });
    return { ok: true, locator, value: quick, diagnostics: [] };
  }
  const loaded = readAsPyYaml(text, file);
  if (!loaded.ok) {
    const diagnostics = loaded.diagnostics.map((d) =>
      d.rule === 'syntax' && d.severity === 'error'
        ? { ...d, message: d.message + packitSays(PACKIT_WORDS.syntax) }
        : d,
    );
    return { ok: false, diagnostics };
  }
  const { source } = loaded;
  const diagnostics = [...loaded.diagnostics];
  const locator = new Locator(source);
  const value = source.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    diagnostics.push(
      makeDiagnostic(
        file,
        locator.span([]),
        'schema',
        `a Packit config is a mapping of keys (specfile_path, jobs, ...); the file holds ${what}` +
          packitSays(PACKIT_WORDS.notMapping),
      ),
    );
    return { ok: false, diagnostics };
  }
  return { ok: true, locator, value: value as Record<string, unknown>, diagnostics };
}

/**
 * The library's path (quick-read.ts is checked against it): the document as plain data, as
 * PyYAML reads it. A mapping with several `<<` keys is read twice: first as written, so that an
 * error (an alias bomb, a bad merge) is the one the file has, then with PyYAML's precedence.
 */
export function readAsPyYaml(text: string, file: string): LoadResult {
  const parsed = parseYaml(text, file, { version: '1.1', duplicateKeys: 'warning' });
  if (!parsed.ok) return parsed;
  const merging = asPyYaml(parsed.parsed);
  if (merging.length === 0) return readYamlValue(parsed.parsed, parsed.diagnostics);
  const asWritten = readYamlValue(parsed.parsed, parsed.diagnostics);
  if (!asWritten.ok) return asWritten;
  for (const map of merging) laterMergesFirst(map);
  return readYamlValue(parsed.parsed, parsed.diagnostics);
}

/**
 * Where the `yaml` library reads a file otherwise than PyYAML, in one walk of the document:
 *
 * - On plain scalars (keys too), the library's YAML 1.1 reads y, Y, n and N as booleans and
 *   "." as a float (NaN); PyYAML keeps them strings (`env: {DEBUG: y}`,
 *   `files_to_sync: [{src: x, dest: .}]`): changed back here.
 * - With several `<<` keys in one mapping, PyYAML lets the last win and the library the first:
 *   returns the mappings (reached through values) where that matters.
 */
function asPyYaml({ doc, text }: Parsed): YAMLMap[] {
  const merging: YAMLMap[] = [];
  // Recursion is bounded: hostile-text.ts refuses nesting deeper than a few hundred levels.
  const walk = (node: unknown, inValue: boolean): void => {
    if (isScalar(node)) {
      if (node.type === 'PLAIN' && node.range) retype(node, text, node.range);
    } else if (isMap(node) || isSeq(node)) {
      if (inValue && isMap(node) && node.items.filter((p) => isMergeKey(p.key)).length > 1)
        merging.push(node);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          walk(item.key, false);
          walk(item.value, inValue && isMap(node));
        } else walk(item, inValue);
      }
    }
  };
  walk(doc.contents, true);
  return merging;
}

function retype(node: Scalar, text: string, [start, end]: Range): void {
  const value = node.value;
  if (typeof value !== 'boolean' && !Number.isNaN(value)) return;
  const written = text.slice(start, end);
  const letter = typeof value === 'boolean' && /^[yYnN]$/.test(written);
  const dot = Number.isNaN(value) && !/^\.nan$/i.test(written);
  if (letter || dot) node.value = written;
}
