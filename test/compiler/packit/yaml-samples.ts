// Seeded Packit-like YAML for comparing the quick reader with the library: block mappings and
// lists, awkward scalars, block scalars, comments, anchors and merges, and one-line damage
// done to real files (indentation, repeated lines, comments, quotes).

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

type Random = () => number;
const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

const PLAIN = [
  'tests',
  'pull_request',
  'fedora-all',
  'a b',
  'a: b',
  'a #b',
  'a#b',
  '-x',
  '--x',
  ':x',
  'x:',
  'x]',
  'a, b',
  'y',
  'N',
  'yes',
  'Off',
  '.',
  '.NaN',
  '.inf',
  '0o7',
  '012',
  '0x1f',
  '1_000',
  '1:30',
  '2024-01-01',
  '2024-01-01 10:00:00',
  '~',
  'null',
  'NULL',
  '<<',
  '+1',
  '1e3',
  '.5',
  'http://x.y/z',
  'v{version}',
  'echo "hi"',
  "it's",
  'a:b',
  '?x',
  '@x',
  '%x',
  '!x',
  '&x',
  '*x',
  '|',
  '>',
  '-',
  '---',
  '...',
  'x # y: z',
  '$x',
  '_x',
  '/x',
];
const QUOTED = [
  '"x"',
  '"a: b"',
  '"y"',
  "'n'",
  '""',
  "''",
  '"a\\"b"',
  '"a\\\\b"',
  '"a\\nb"',
  '"\\x41"',
  "'it''s'",
  '"#x"',
  '"unclosed',
  "'<<'",
  '"a" b',
  '"^main$"',
  "'\\d+\\.'",
];
const KEYS = [
  'job',
  'trigger',
  'targets',
  'packages',
  'jobs',
  'a',
  'b',
  'y',
  'n',
  'yes',
  '1',
  '~',
  '__proto__',
  'toString',
  '"q k"',
  'a b',
  'a #b',
  '<<',
  '"<<"',
  '-k',
  '[k]',
  '2024-01-01',
  'k ',
  'x:y',
];

export function packitLike(r: Random): string {
  const anchors: string[] = [];
  const out: string[] = [];
  const flow = (): string =>
    r() < 0.7
      ? `[${Array.from({ length: Math.floor(r() * 4) }, () => pick(r, r() < 0.7 ? PLAIN : QUOTED)).join(', ')}]`
      : `{${Array.from({ length: Math.floor(r() * 3) }, () => `${pick(r, KEYS)}: ${pick(r, PLAIN)}`).join(', ')}}`;
  const scalar = (): string => {
    const t = r();
    if (t < 0.55) return pick(r, PLAIN);
    if (t < 0.75) return pick(r, QUOTED);
    if (t < 0.85 && anchors.length > 0) return `*${pick(r, anchors)}`;
    return t < 0.95 ? flow() : `${pick(r, PLAIN)} # note`;
  };
  const anchor = (): string => {
    if (r() > 0.12) return '';
    const name = `a${anchors.length}`;
    anchors.push(name);
    return `&${name} `;
  };
  const blockScalar = (sp: number): string[] => {
    const indent = sp + pick(r, [1, 2, 2, 4]);
    const body = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
      const t = r();
      if (t < 0.1) return '';
      if (t < 0.2) return `${' '.repeat(indent + 2)}more indented`;
      if (t < 0.25) return `${' '.repeat(indent)}# not a comment`;
      if (t < 0.28) return `${' '.repeat(Math.max(0, indent - 1))}less`;
      return `${' '.repeat(indent)}${pick(r, PLAIN)}`;
    });
    return [pick(r, ['|', '|-', '>', '>-', '|+', '>2', '>-  # note']), ...body];
  };
  const block = (sp: number, depth: number): void => {
    for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
      if (r() < 0.06 && anchors.length > 0) {
        out.push(`${' '.repeat(sp)}<<: *${pick(r, anchors)}`);
        continue;
      }
      const key = `${' '.repeat(sp)}${pick(r, KEYS)}:`;
      const t = r();
      if (depth > 3 || t < 0.45) out.push(`${key} ${anchor()}${scalar()}`);
      else if (t < 0.55) {
        const [head, ...body] = blockScalar(sp);
        out.push(`${key} ${head}`, ...body);
      } else if (t < 0.8) {
        out.push(`${key} ${anchor()}`.trimEnd());
        block(sp + 2, depth + 1);
      } else {
        out.push(key);
        list(r() < 0.2 ? sp : sp + 2, depth + 1);
      }
      if (r() < 0.06) out.push(`${' '.repeat(sp + pick(r, [0, 2, 4]))}# comment`);
    }
  };
  const list = (sp: number, depth: number): void => {
    for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
      if (depth > 3 || r() < 0.5) {
        out.push(`${' '.repeat(sp)}- ${anchor()}${scalar()}`);
        continue;
      }
      const start = out.length;
      block(sp + 2, depth + 1);
      out[start] = `${' '.repeat(sp)}- ${out[start]!.slice(sp + 2)}`;
    }
  };
  if (r() < 0.2) out.push(pick(r, ['---', '--- # doc', '%YAML 1.1\n---', '--- x']));
  block(0, 0);
  if (r() < 0.05) out.push(pick(r, ['...', '---', '\tx: 1']));
  return `${out.join('\n')}\n`;
}

export function damaged(text: string, r: Random): string {
  const lines = text.split('\n');
  const k = Math.floor(r() * lines.length);
  const t = r();
  if (t < 0.2) lines.splice(k, 1);
  else if (t < 0.35) lines.splice(k, 0, pick(r, lines));
  else if (t < 0.55) lines[k] = ' '.repeat(1 + Math.floor(r() * 2)) + lines[k];
  else if (t < 0.7) lines[k] = lines[k]!.replace(/^ {1,2}/, '');
  else if (t < 0.85) lines.splice(k, 0, `${' '.repeat(Math.floor(r() * 8))}# x`);
  else lines[k] = lines[k]!.replace(/"/g, "'");
  return lines.join('\n');
}
