/**
 * YAML in, a plain value out, with every node's position kept so that later checks can point at
 * the exact key or value they complain about.
 *
 * Hostile input is stopped before it reaches the parser: the `yaml` library recurses per nesting
 * level (10,000 nested brackets exhaust the stack, more exhaust memory), checks duplicate keys in
 * quadratic time, and would expand an alias bomb or an alias inside its own anchor (`x: &x [*x]`,
 * a circular value every later walk follows forever). So: a size and nesting pre-scan of the
 * text (hostile-text.ts), linear duplicate-key detection of our own, and a measure of the
 * document once expanded, before expanding it (yaml-anchors.ts: circular aliases, aliases,
 * values, text and depth, limits.ts). The library also looks each alias up by walking the whole
 * document; yaml-anchors.ts and yaml-value.ts do that in one walk. Locator lookups are indexed
 * per mapping, so thousands of diagnostics in one mapping stay linear.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { Diagnostic, Rule, Severity } from './diagnostics.js';
import { refuseHostileText } from './hostile-text.js';
import { LineIndex, type Span } from './line-index.js';
import { COMPILE_LIMITS } from './limits.js';
import { indexAnchors, type AnchorIndex } from './yaml-anchors.js';
import { toPlain } from './yaml-value.js';

export type Path = readonly (string | number)[];

/** Where a diagnostic points; defined beside the line index (hostile-text.ts needs it too). */
export type { Span } from './line-index.js';

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineIndex;
  /** The node each alias names (the library's own lookup walks the whole document). */
  anchors: AnchorIndex;
  /** The document as plain data (aliases expanded, merge keys applied). */
  value: unknown;
}

export type LoadResult =
  | { ok: true; source: YamlSource; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export function makeDiagnostic(
  file: string,
  span: Span,
  rule: Rule,
  message: string,
  severity: Severity = 'error',
): Diagnostic {
  return {
    file,
    line: span.line,
    column: span.column,
    length: Math.max(1, span.length),
    rule,
    message,
    severity,
  };
}

const START: Span = { line: 1, column: 1, length: 1 };

export interface LoadOptions {
  /** The YAML version to read: 1.2 (the default) or 1.1, which PyYAML speaks (Packit's files: yes/no/on/off are booleans). */
  version?: '1.1' | '1.2';
  /** A repeated key: an error (the default), or a warning with the last value used, as PyYAML does. */
  duplicateKeys?: 'error' | 'warning';
}

export type ParseResult =
  | { ok: true; parsed: Parsed; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** A document that parsed without errors, before it is turned into plain data. */
export type Parsed = Omit<YamlSource, 'value' | 'anchors'>;

export function loadYaml(original: string, file: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseYaml(original, file, options);
  return parsed.ok ? readYamlValue(parsed.parsed, parsed.diagnostics) : parsed;
}

/** Text to a checked document: the hostile-input guards, syntax errors, repeated keys. */
export function parseYaml(original: string, file: string, options: LoadOptions = {}): ParseResult {
  // Editors do not count a byte-order mark as a column; neither do we.
  // A lone CR is a line break in YAML 1.2; the parser handles only LF and CRLF.
  const text = (original.startsWith('\uFEFF') ? original.slice(1) : original).replace(
    /\r(?!\n)/g,
    '\n',
  );
  const refusal = refuseHostileText(text, COMPILE_LIMITS);
  if (refusal)
    return {
      ok: false,
      diagnostics: [makeDiagnostic(file, refusal.span, 'limits', refusal.message)],
    };

  let doc: Document.Parsed;
  // The library makes an Error per syntax error, and a malformed 1 MiB scalar can hold half a
  // million of them: their stack traces were most of the time spent. None is ever shown.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    doc = parseDocument(text, {
      uniqueKeys: false,
      merge: true,
      prettyErrors: false,
      ...(options.version ? { version: options.version } : {}),
    });
  } catch (error) {
    return {
      ok: false,
      diagnostics: [
        makeDiagnostic(file, START, 'syntax', `could not parse YAML: ${String(error)}`),
      ],
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }

  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(text);
  const spanAt = (offset: number, end: number): Span => spanOf(lines, offset, end);
  // The parser often reports a cascade of errors from one mistake: keep the first per line.
  const linesWithErrors = new Set<number>();
  for (const error of doc.errors) {
    const span = spanAt(error.pos[0], error.pos[1]);
    if (linesWithErrors.has(span.line)) continue;
    linesWithErrors.add(span.line);
    diagnostics.push(makeDiagnostic(file, span, 'syntax', yamlMessage(error.code, error.message)));
  }
  for (const warning of doc.warnings) {
    diagnostics.push(
      makeDiagnostic(
        file,
        spanAt(warning.pos[0], warning.pos[1]),
        'syntax',
        warning.message,
        'warning',
      ),
    );
  }
  findBadKeys(
    doc.contents,
    (key, name) => {
      const [start, end] = key.range ?? [0, 1];
      const lenient = options.duplicateKeys === 'warning';
      diagnostics.push(
        makeDiagnostic(
          file,
          spanAt(start, end),
          'syntax',
          `duplicate key "${name}"; each key may appear once in a mapping${lenient ? ' (the last one is used)' : ''}`,
          lenient ? 'warning' : 'error',
        ),
      );
    },
    (key) => {
      const [start, end] = key.range ?? [0, 1];
      diagnostics.push(
        makeDiagnostic(
          file,
          spanAt(start, end),
          'syntax',
          'a key must be a plain value, not a mapping or a list',
        ),
      );
    },
  );
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, parsed: { file, text, doc, lines }, diagnostics };
}

/**
 * The checked document as plain data (aliases expanded, merge keys applied), or why not. A
 * circular document, or one too large or deep once expanded, is refused before expanding it
 * (yaml-anchors.ts), so the library's own estimate of alias expansions is not needed.
 */
export function readYamlValue(parsed: Parsed, diagnostics: Diagnostic[]): LoadResult {
  const anchors = indexAnchors(parsed.doc.contents);
  const refused = anchors.refusal;
  if (refused) {
    const [start, end] = refused.range ?? [0, 1];
    const span = spanOf(parsed.lines, start, end);
    return {
      ok: false,
      diagnostics: [
        ...diagnostics,
        makeDiagnostic(parsed.file, span, refused.rule, refused.message),
      ],
    };
  }
  let value: unknown;
  try {
    value = toPlain(parsed.doc, anchors, UNCOUNTED);
  } catch (error) {
    const message = `could not read YAML: ${error instanceof Error ? error.message : String(error)}`;
    return {
      ok: false,
      diagnostics: [...diagnostics, makeDiagnostic(parsed.file, START, 'limits', message)],
    };
  }
  return { ok: true, source: { ...parsed, anchors, value }, diagnostics };
}

/** The library's `maxAliasCount` meaning "do not count": indexAnchors measured the expansion. */
export const UNCOUNTED = -1;

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'tabs are not allowed as indentation in YAML; indent with spaces',
  MULTIPLE_DOCS: 'a pipeline file holds one YAML document; remove the extra "---"',
};

function yamlMessage(code: string, message: string): string {
  const hint = YAML_HINTS[code];
  const first = message.split('\n')[0] ?? message;
  return hint ?? `invalid YAML: ${first.replace(/ at line \d+, column \d+.*$/, '')}`;
}

function findBadKeys(
  node: unknown,
  duplicate: (key: Scalar, name: string) => void,
  complex: (key: Node) => void,
): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (isMap(current)) {
      const seen = new Set<string>();
      for (const pair of current.items) {
        if (isScalar(pair.key) && !isMergeKey(pair.key)) {
          const name = String(pair.key.value);
          if (seen.has(name)) duplicate(pair.key, name);
          seen.add(name);
        } else if (isMap(pair.key) || isSeq(pair.key)) {
          complex(pair.key); // toJS would stringify it and print a process warning
        }
        stack.push(pair.value);
      }
    } else if (isSeq(current)) {
      // One at a time: spreading 200,000 items as arguments overflows the stack.
      for (const item of current.items) stack.push(item);
    }
  }
}

/** Where a range starts, and how much of it lies on that line. */
export function spanOf(lines: LineIndex, start: number, end: number): Span {
  const { line, column } = lines.position(start);
  const stop = Math.min(end, lines.lineEnd(line));
  return { line, column, length: Math.max(1, stop - start) };
}

/** Finds the YAML node at a data path; `key` points at the mapping key rather than its value. */
export class Locator {
  private read: YamlSource | (() => YamlSource);
  /** Each mapping's keys, indexed when first searched: thousands of diagnostics in one mapping stay linear. */
  private readonly keys: KeyIndex = new WeakMap();
  /** Where each `${{` of a scalar starts, found when first asked. */
  private readonly openings = new WeakMap<Node, number[]>();

  /** A source, or how to get it: parsed only when something needs pointing at. */
  constructor(source: YamlSource | (() => YamlSource)) {
    this.read = source;
  }

  private get source(): YamlSource {
    if (typeof this.read === 'function') this.read = this.read();
    return this.read;
  }

  node(path: Path): { node: Node | null; key: Node | null; found: boolean } {
    let node: unknown = this.source.doc.contents;
    let key: Node | null = null;
    const targets = this.source.anchors.targets;
    for (const segment of path) {
      if (isAlias(node)) node = targets.get(node);
      let next: unknown;
      if (isMap(node)) {
        const pair = findPair(targets, this.keys, node, segment);
        if (!pair) return { node: node, key, found: false };
        key = isScalar(pair.key) ? pair.key : key;
        next = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        key = null;
      } else {
        return { node: (node as Node | null) ?? null, key, found: false };
      }
      if (next === null || next === undefined) return { node: key, key, found: true };
      node = next;
    }
    if (isAlias(node)) node = targets.get(node);
    return { node: (node as Node | null) ?? null, key, found: true };
  }

  /** The span of a value (or its key), falling back to the nearest enclosing node. */
  span(path: Path, at: 'key' | 'value' = 'value'): Span {
    const { node, key } = this.node(path);
    const target = at === 'key' && key ? key : (node ?? key);
    const range = target?.range;
    if (!range) return START;
    return spanOf(this.source.lines, range[0], range[1]);
  }

  /** The span of the n-th `${{` inside a string value, for pointing at one expression. */
  expressionSpan(path: Path, occurrence: number, length: number): Span {
    const { node } = this.node(path);
    const range = node?.range;
    if (!isScalar(node) || !range) return this.span(path);
    let openings = this.openings.get(node);
    if (!openings) {
      const raw = this.source.text.slice(range[0], range[1]);
      openings = [];
      for (let at = raw.indexOf('${{'); at !== -1; at = raw.indexOf('${{', at + 1))
        openings.push(at);
      this.openings.set(node, openings);
    }
    const index = openings[occurrence];
    if (index === undefined) return this.span(path);
    return spanOf(this.source.lines, range[0] + index, range[0] + index + length);
  }
}

/** Merge chains deeper than this are not followed (an alias bomb is refused before). */
const MAX_MERGE_DEPTH = 32;

/** `<<`, which YAML 1.1 reads as a symbol. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');
}

/**
 * The pair that gives a mapping's value at `segment`: its own key, else the key in the first
 * mapping merged in with `<<` that has it (the `yaml` library's precedence), so that a key
 * written in an anchor is found where it is written.
 */
function findPair(
  targets: AnchorIndex['targets'],
  keys: KeyIndex,
  map: YAMLMap,
  segment: string | number,
  depth = 0,
  // A mapping merged in twice (`<<: [*a, *a]`, or along two chains) was searched the first time.
  seen = new Set<YAMLMap>(),
): Pair | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  let own = keys.get(map);
  if (!own) {
    own = new Map();
    // In order, so that the last of repeated keys wins.
    for (const pair of map.items)
      if (isPair(pair) && isScalar(pair.key) && !isMergeKey(pair.key))
        own.set(String(pair.key.value), pair);
    keys.set(map, own);
  }
  const found = own.get(String(segment));
  if (found) return found;
  if (depth >= MAX_MERGE_DEPTH) return undefined;
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const source = isAlias(pair.value) ? targets.get(pair.value) : pair.value;
    const sources = isSeq(source) ? source.items : [source];
    for (const item of sources) {
      const merged = isAlias(item) ? targets.get(item) : item;
      const inMerged = isMap(merged)
        ? findPair(targets, keys, merged, segment, depth + 1, seen)
        : undefined;
      if (inMerged) return inMerged;
    }
  }
  return undefined;
}

type KeyIndex = WeakMap<YAMLMap, Map<string, Pair>>;
