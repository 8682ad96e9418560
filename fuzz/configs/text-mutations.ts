/**
 * Mutations of a config's text, blind to YAML: flipped characters, stray punctuation and odd
 * characters, lines duplicated, deleted, swapped, re-indented or turned to tabs, blocks
 * repeated, scalars made huge, the file cut short.
 */
import { longString, ODD_CHARACTERS } from '../hostile-text.js';
import type { Random } from '../random.js';

export interface Mutation {
  name: string;
  apply(random: Random, text: string): string;
}

const YAML_PUNCTUATION = [
  ':',
  ': ',
  '- ',
  '-',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '"',
  "'",
  '|',
  '>',
  '|-',
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '!!python/object:os.system ',
  '!<tag:yaml.org,2002:map> ',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '---\n',
  '...\n',
  '${{',
  '}}',
  '${{ }}',
  '\n',
  '  ',
  '\t',
] as const;

const at = (random: Random, length: number) => random.int(length + 1);

/** Mutations that multiply text stop at this size (a few MB: over every input limit). */
export const MAX_TEXT = 4_000_000;

/** How many copies of `unit` characters fit in what is left of MAX_TEXT. */
const copiesThatFit = (wanted: number, unit: number, text: number) =>
  Math.max(0, Math.min(wanted, Math.floor((MAX_TEXT - text) / Math.max(1, unit))));

function editLines(text: string, edit: (lines: string[]) => void): string {
  const lines = text.split('\n');
  edit(lines);
  return lines.join('\n');
}

export const TEXT_MUTATIONS: readonly Mutation[] = [
  {
    name: 'flip-character',
    apply(random, text) {
      if (text.length === 0) return text;
      const i = random.int(text.length);
      const code = text.charCodeAt(i) ^ (1 << random.int(16));
      return text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
    },
  },
  {
    name: 'insert-punctuation',
    apply(random, text) {
      const i = at(random, text.length);
      return text.slice(0, i) + random.pick(YAML_PUNCTUATION) + text.slice(i);
    },
  },
  {
    name: 'insert-odd-character',
    apply(random, text) {
      const i = at(random, text.length);
      return text.slice(0, i) + random.pick(ODD_CHARACTERS) + text.slice(i);
    },
  },
  {
    name: 'delete-slice',
    apply(random, text) {
      const i = at(random, text.length);
      return text.slice(0, i) + text.slice(i + random.size(400));
    },
  },
  {
    name: 'duplicate-line',
    apply: (random, text) =>
      editLines(text, (lines) => {
        const k = random.int(lines.length);
        const line = lines[k] ?? '';
        const copies = copiesThatFit(random.size(50), line.length + 1, text.length);
        lines.splice(k, 0, ...Array<string>(copies).fill(line));
      }),
  },
  {
    name: 'delete-line',
    apply: (random, text) =>
      editLines(text, (lines) => void lines.splice(random.int(lines.length), 1)),
  },
  {
    name: 'swap-lines',
    apply: (random, text) =>
      editLines(text, (lines) => {
        const [a, b] = [random.int(lines.length), random.int(lines.length)];
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      }),
  },
  {
    name: 'reindent-line',
    apply: (random, text) =>
      editLines(text, (lines) => {
        const k = random.int(lines.length);
        const line = lines[k] ?? '';
        const body = line.trimStart();
        const indent = line.length - body.length;
        lines[k] = random.chance(0.3)
          ? '\t'.repeat(random.between(1, 3)) + body
          : ' '.repeat(Math.max(0, indent + random.between(-4, 4))) + body;
      }),
  },
  {
    name: 'repeat-block',
    apply: (random, text) =>
      editLines(text, (lines) => {
        const start = random.int(lines.length);
        const block = lines.slice(start, start + random.between(2, 12));
        const size = block.reduce((sum, l) => sum + l.length + 1, 0);
        const copies = copiesThatFit(random.size(3_000), size, text.length);
        const repeated: string[] = [];
        for (let i = 0; i < copies; i++) repeated.push(...block);
        lines.splice(start, 0, ...repeated);
      }),
  },
  {
    name: 'huge-scalar',
    apply: (random, text) =>
      editLines(text, (lines) => {
        const k = random.int(lines.length);
        const line = lines[k] ?? '';
        const colon = line.indexOf(': ');
        const huge = longString(random, random.size(1_500_000));
        lines[k] = colon >= 0 ? `${line.slice(0, colon + 2)}"${huge}"` : `${line}${huge}`;
      }),
  },
  {
    name: 'crlf',
    apply: (random, text) => text.replace(/\n/g, random.pick(['\r\n', '\r', '\u2028', '\u0085'])),
  },
  {
    name: 'truncate',
    apply: (random, text) => text.slice(0, at(random, text.length)),
  },
];
