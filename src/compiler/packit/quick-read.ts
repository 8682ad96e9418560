/**
 * A quick reader for the YAML .packit.yaml files are written in: block mappings and sequences,
 * one-line scalars and flow collections (quick-scalars.ts), `|` / `>` block scalars, comments,
 * anchors, aliases and one `<<` per mapping. It builds the `yaml` library's nodes and turns them
 * into data as the slow path does (yaml-value.ts), about ten times faster than the library's
 * parser (whose generator-driven lexer costs ~0.15 ms per kB; real files are 2 to 8 kB).
 *
 * It vouches only for files that it reads whole and that read without a single diagnostic; on
 * anything else (a tag, a multi-line plain or quoted scalar, a repeated key, a tab, unusual
 * indentation, an alias bomb, ...) it gives up and the library reads the file, errors and all.
 */
import { Alias, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { refuseHostileText } from '../hostile-text.js';
import { indexAnchors } from '../yaml-anchors.js';
import { COMPILE_LIMITS } from '../limits.js';
import { isMergeKey, UNCOUNTED } from '../yaml-source.js';
import { nodesToPlain } from '../yaml-value.js';
import { laterMergesFirst } from './merge-order.js';
import {
  anchorName,
  flow,
  giveUp,
  isSpace,
  plainScalar,
  plainStart,
  quoted,
  restIsBlank,
  skipSpaces,
} from './quick-scalars.js';

/** Larger files are rare and take the library's path, as do hostile ones. */
const MAX_LENGTH = 256 * 1024;

export function quickRead(original: string): Record<string, unknown> | undefined {
  const text = original.startsWith('\uFEFF') ? original.slice(1) : original;
  if (text.length > MAX_LENGTH || /[\t\r]/.test(text) || refuseHostileText(text, COMPILE_LIMITS))
    return undefined;
  try {
    const reader = new QuickReader(text);
    const root = reader.document();
    let index = indexAnchors(root);
    // Circular, too large once expanded, an alias to nothing: the library's path says why.
    if (index.refusal) return undefined;
    if (reader.merging.length > 0) {
      // As yaml.ts does: read as written (for its errors), then with PyYAML's precedence.
      nodesToPlain(root, index, UNCOUNTED, true);
      for (const map of reader.merging) laterMergesFirst(map);
      index = indexAnchors(root);
      if (index.refusal) return undefined;
    }
    return nodesToPlain(root, index, UNCOUNTED, true) as Record<string, unknown>;
  } catch {
    // Given up, or an alias the library would refuse: the library says why.
    return undefined;
  }
}

type Block = YAMLMap | YAMLSeq | Scalar | Alias | null;

const isSeqItem = (s: string, at: number): boolean =>
  s.charCodeAt(at) === 45 && (at + 1 === s.length || isSpace(s, at + 1));

class QuickReader {
  private readonly lines: string[];
  private readonly indents: number[] = [];
  /** Empty, spaces only, or a comment (outside block scalars). */
  private readonly blank: boolean[] = [];
  private readonly anchors = new Set<string>();
  private at = 0;
  /** Mappings with several `<<` keys. */
  readonly merging: YAMLMap[] = [];

  constructor(text: string) {
    this.lines = text.split('\n');
    let first = -1;
    let end = -1;
    for (const [i, line] of this.lines.entries()) {
      let n = 0;
      while (line.charCodeAt(n) === 32) n++;
      this.indents.push(n);
      this.blank.push(n === line.length || line.charCodeAt(n) === 35);
      if (first < 0 && !this.blank[i]) first = i;
      if (end >= 0 && !this.blank[i]) giveUp();
      // Directives and document markers, but a first "---" and a last "...".
      if (!/^(%|---|\.\.\.)/.test(line)) continue;
      if (i === first && /^---( +(#.*)?)?$/.test(line)) continue;
      if (end < 0 && /^\.\.\.( +(#.*)?)?$/.test(line)) end = i;
      else giveUp();
    }
    if (end >= 0) this.lines.length = end;
  }

  document(): YAMLMap {
    let line = this.nextContent();
    if (line >= 0 && this.lines[line]!.startsWith('---')) {
      this.at = line + 1;
      line = this.nextContent();
    }
    if (line < 0 || this.indents[line] !== 0) giveUp();
    const root = this.map(0, line, 0);
    if (this.nextContent() >= 0) giveUp();
    return root;
  }

  private nextContent(): number {
    while (this.at < this.lines.length && this.blank[this.at]) this.at++;
    return this.at < this.lines.length ? this.at : -1;
  }

  /** A block mapping at indentation `n`, its first key at `col` of `line`. */
  private map(n: number, line: number, col: number): YAMLMap {
    const map = new YAMLMap();
    const keys = new Set<string>();
    let merges = 0;
    for (;;) {
      this.at = line + 1;
      const pair = this.entry(n, line, col);
      if (isMergeKey(pair.key)) {
        if (++merges === 2) this.merging.push(map);
      } else {
        const name = String((pair.key as Scalar).value);
        if (keys.has(name)) giveUp();
        keys.add(name);
      }
      map.items.push(pair);
      const next = this.nextContent();
      if (next < 0 || this.indents[next]! < n) return map;
      if (this.indents[next]! > n) giveUp();
      line = next;
      col = n;
    }
  }

  private entry(n: number, line: number, col: number): Pair {
    const s = this.lines[line]!;
    let key: Scalar;
    let after: number;
    if (s[col] === '"' || s[col] === "'") {
      const q = quoted(s, col);
      if (s[q.end] !== ':' || q.node.value === '<<') giveUp();
      key = q.node;
      after = q.end + 1;
    } else {
      const colon = keyColon(s, col);
      const name = s.slice(col, colon);
      if (colon < 0 || !plainKey(name)) giveUp();
      key = plainScalar(name, true);
      after = colon + 1;
    }
    if (after < s.length && !isSpace(s, after)) giveUp();
    const v = skipSpaces(s, after);
    const value =
      v === s.length || s[v] === '#' ? this.blockValue(n, true) : this.inline(s, v, n, line, true);
    return new Pair(key, value);
  }

  /** The value of an entry that ends its line: a nested block, or nothing. */
  private blockValue(n: number, sameIndentSeq: boolean): Block {
    const line = this.nextContent();
    if (line < 0) return null;
    const indent = this.indents[line]!;
    const s = this.lines[line]!;
    if (indent > n) return isSeqItem(s, indent) ? this.seq(indent) : this.map(indent, line, indent);
    // A mapping's value may be a sequence at the mapping's own indentation.
    return indent === n && sameIndentSeq && isSeqItem(s, indent) ? this.seq(n) : null;
  }

  private seq(n: number): YAMLSeq {
    const seq = new YAMLSeq();
    for (;;) {
      const line = this.nextContent();
      if (line < 0 || this.indents[line]! < n) return seq;
      const s = this.lines[line]!;
      if (this.indents[line]! > n) giveUp();
      if (!isSeqItem(s, n)) return seq; // the mapping it is the value of goes on
      this.at = line + 1;
      const v = skipSpaces(s, n + 1);
      if (v === s.length || s[v] === '#') seq.items.push(this.blockValue(n, false));
      else if (isSeqItem(s, v)) giveUp();
      else if (isEntry(s, v)) seq.items.push(this.map(v, line, v));
      else seq.items.push(this.inline(s, v, n, line, false));
    }
  }

  /** A value that starts on its entry's line, at `v`; `n` is the collection's indentation. */
  private inline(s: string, v: number, n: number, line: number, ofMap: boolean): Block {
    const c = s[v]!;
    if (c === '&') return this.anchored(s, v, n, line, ofMap);
    if (c === '*') {
      const { name, end } = anchorName(s, v + 1);
      restIsBlank(s, end);
      return new Alias(name);
    }
    if (c === '[' || c === '{' || c === '"' || c === "'") {
      const { node, end } = c === '[' || c === '{' ? flow(s, v) : quoted(s, v);
      restIsBlank(s, end);
      return node;
    }
    if (c === '|' || c === '>') return this.blockScalar(s, v, n, line);
    const comment = s.indexOf(' #', v);
    const text = s.slice(v, comment < 0 ? s.length : comment).trimEnd();
    // `a: b: c` is an error; `- a: b` was taken as a mapping before.
    if (!plainStart(text) || text.includes(': ') || text.endsWith(':')) giveUp();
    return plainScalar(text, false);
  }

  private anchored(s: string, v: number, n: number, line: number, ofMap: boolean): Block {
    const { name, end } = anchorName(s, v + 1);
    if (end < s.length && !isSpace(s, end)) giveUp();
    if (this.anchors.has(name)) giveUp();
    this.anchors.add(name);
    const k = skipSpaces(s, end);
    const rest = k === s.length || s[k] === '#';
    if (!rest && (s[k] === '&' || s[k] === '*')) giveUp();
    const node = rest ? this.blockValue(n, ofMap) : this.inline(s, k, n, line, ofMap);
    if (!(node instanceof YAMLMap || node instanceof YAMLSeq || node instanceof Scalar)) giveUp();
    node.anchor = name;
    return node;
  }

  /** `|`, `|-`, `>`, `>-` and the lines more indented than `n` that follow. */
  private blockScalar(s: string, v: number, n: number, line: number): Scalar {
    const folded = s[v] === '>';
    const strip = s[v + 1] === '-';
    restIsBlank(s, v + (strip ? 2 : 1)); // `|+`, `|2`: left to the library
    const { lines, indents } = this;
    let first = line + 1;
    let widest = 0;
    for (; first < lines.length && indents[first] === lines[first]!.length; first++)
      widest = Math.max(widest, indents[first]!);
    const indent = indents[first] ?? 0;
    if (first === lines.length || indent <= n || widest > indent) giveUp();
    let last = first;
    let end = first;
    for (; end < lines.length; end++) {
      const width = indents[end]!;
      if (width === lines[end]!.length) {
        if (width > indent) giveUp(); // kept as content by the library
      } else if (width < indent) {
        if (width > n) giveUp();
        break;
      } else last = end;
    }
    this.at = end;
    const body = lines.slice(first, last + 1).map((l) => l.slice(indent));
    const lead = '\n'.repeat(first - line - 1);
    const value = lead + (folded ? fold(body) : body.join('\n')) + (strip ? '' : '\n');
    const node = new Scalar(value);
    node.type = folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
    return node;
  }
}

/**
 * `>` content, by the library's rules: lines joined by spaces, an empty line a line break, and
 * more-indented lines (they start with a space here) kept on lines of their own.
 */
function fold(body: readonly string[]): string {
  let value = '';
  let sep = '';
  let moreIndented = false;
  for (const content of body) {
    if (content.startsWith(' ')) {
      if (sep === ' ') sep = '\n';
      else if (!moreIndented && sep === '\n') sep = '\n\n';
      value += sep + content;
      sep = '\n';
      moreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      moreIndented = false;
    }
  }
  return value;
}

/** The colon of `key: value` / `key:` at the end, or -1. */
function keyColon(s: string, from: number): number {
  for (let k = s.indexOf(':', from); k >= 0; k = s.indexOf(':', k + 1))
    if (k + 1 === s.length || isSpace(s, k + 1)) return k;
  return -1;
}

/** A plain key the library reads as written (no comment, brackets, quotes or odd start). */
function plainKey(name: string): boolean {
  return (
    name.length > 0 && name.length <= 1000 && plainStart(name) && !/[,[\]{}'"]| #| $/.test(name)
  );
}

/** Whether a sequence item starts a mapping (`- key: value`). */
function isEntry(s: string, v: number): boolean {
  if (s[v] === '"' || s[v] === "'") {
    const close = s.indexOf(s[v], v + 1);
    return close > 0 && s[close + 1] === ':';
  }
  const colon = keyColon(s, v);
  return colon >= 0 && !s.slice(v, colon).includes(' #');
}
