/**
 * Hostile and malformed input (DESIGN.md §3: "Nothing crashes on bad input"). Each case must come
 * back as diagnostics (rule, a clear message, a line that points at the problem), never as an
 * exception; vitest's timeout is the only guard against a hang (no timed assertions here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { compilePipeline, validatePipeline, type Diagnostic } from '../../src/compiler/index.js';
import type { Event } from '../../src/events/event.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';

const FILE = 'pipeline.yaml';
const options = { file: FILE, handlers: builtInRegistry };

function exampleEvent(name: string, forge: 'github' | 'gitlab', header: string): Event {
  const payload: unknown = JSON.parse(
    readFileSync(new URL(`../../examples/events/${name}`, import.meta.url), 'utf8'),
  );
  const result = normalizeEvent(forge, header, payload);
  if (!result.ok) throw new Error(`${name} was ignored: ${result.ignored}`);
  return result.event;
}

const pullRequest = exampleEvent('github-pull_request-opened.json', 'github', 'pull_request');
const push = exampleEvent('github-push-branch.json', 'github', 'push');

/** A small valid pipeline; line 7 holds the command. */
const VALID = [
  'version: 1',
  'on: push',
  'jobs:',
  '  a:',
  '    uses: exec',
  '    with:',
  '      command: ["true"]',
  '',
].join('\n');

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

/** Positions every diagnostic must have, whatever the input. */
function expectSanePositions(text: string, diagnostics: readonly Diagnostic[]): void {
  const lines = lineCount(text);
  for (const d of diagnostics) {
    expect(d.file).toBe(FILE);
    expect(d.line, d.message.slice(0, 200)).toBeGreaterThanOrEqual(1);
    expect(d.line, d.message.slice(0, 200)).toBeLessThanOrEqual(lines + 1);
    expect(d.column, d.message.slice(0, 200)).toBeGreaterThanOrEqual(1);
    expect(d.length).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/internal compiler error/);
  }
}

/**
 * Validates `text`, which must be rejected; its errors. Compiling must reject it too, with the
 * same diagnostics (checked last, so that a wrong diagnostic is what a failure shows first).
 */
function rejected(text: string): Diagnostic[] {
  const validated = validatePipeline(text, options);
  expect(validated.ok).toBe(false);
  const errors = validated.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.length).toBeGreaterThan(0);
  expectSanePositions(text, validated.diagnostics);
  onTestFinished(() => {
    const compiled = compilePipeline(text, pullRequest, options);
    expect(compiled.status).toBe('invalid');
    expect(compiled.diagnostics, 'compiling gives the same diagnostics as validating').toEqual(
      validated.diagnostics,
    );
  });
  return errors;
}

interface Expected {
  /** The rule, or the rules any one of which is right. */
  rule: Diagnostic['rule'] | Diagnostic['rule'][];
  message: RegExp;
  line: number;
  column?: number;
}

/** The first error that matches `expected.rule` and `expected.message`; it must be at the expected place. */
function expectDiagnostic(text: string, expected: Expected): Diagnostic {
  const errors = rejected(text);
  const rules = ([] as Diagnostic['rule'][]).concat(expected.rule);
  const match = errors.find((d) => rules.includes(d.rule) && expected.message.test(d.message));
  const summary = errors
    .map((d) => `${d.line}:${d.column} [${d.rule}] ${d.message.slice(0, 160)}`)
    .join('\n');
  expect(
    match,
    `no [${rules.join('|')}] ${String(expected.message)} among:\n${summary}`,
  ).toBeDefined();
  expect(match!.line).toBe(expected.line);
  if (expected.column !== undefined) expect(match!.column).toBe(expected.column);
  return match!;
}

function accepted(text: string): void {
  const validated = validatePipeline(text, options);
  expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(validated.ok).toBe(true);
}

/** Deterministic pseudo-random bytes (a linear congruential generator). */
function garbage(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('input that is not YAML at all', () => {
  it.each([
    ['a PNG header', Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806', 'hex')],
    [
      'a gzip stream',
      Buffer.from('1f8b0800000000000003cb48cdc9c95728cf2fca49e102003bc0a1f4', 'hex'),
    ],
    ['4 KB of random bytes (seed 1)', garbage(4096, 1)],
    ['4 KB of random bytes (seed 2)', garbage(4096, 2)],
    ['4 KB of random bytes (seed 3)', garbage(4096, 3)],
    ['64 KB of random bytes', garbage(64 * 1024, 4)],
  ])('rejects binary garbage: %s', (_name, bytes) => {
    const text = bytes.toString('utf8');
    const [first] = rejected(text);
    expect(first!.rule).toMatch(/^(syntax|schema|limits)$/);
    expect(first!.message).toMatch(/invalid YAML|NUL|control character|a pipeline is a mapping/);
  });

  it('rejects "}{][" as invalid YAML at 1:1', () => {
    expectDiagnostic('}{][', { rule: 'syntax', message: /^invalid YAML/, line: 1, column: 1 });
  });

  it.each([
    ['a list', '- version: 1\n- on: push\n', /the file holds a list/],
    ['a string', 'just some words\n', /the file holds a string/],
    ['a number', '42\n', /the file holds a number/],
    ['a boolean', 'true\n', /the file holds a boolean/],
    ['nothing', '', /the file is empty/],
    ['only a comment', '# nothing here\n', /the file is empty/],
  ])('says a pipeline is a mapping when the file holds %s', (_name, text, what) => {
    const d = expectDiagnostic(text, { rule: 'schema', message: what, line: 1, column: 1 });
    expect(d.message).toMatch(/a pipeline is a mapping with "version", "on" and "jobs"/);
  });
});

describe('JSON instead of YAML', () => {
  const json = '{"version":1,"on":"push","jobs":{"a":{"uses":"exec","with":{"command":["true"]}}}}';

  it('accepts a valid JSON pipeline and compiles it', () => {
    accepted(json);
    const result = compilePipeline(json, push, options);
    expect(result.status).toBe('graph');
    if (result.status !== 'graph') return;
    expect(result.graph.nodes.map((n) => n.id)).toEqual(['a']);
  });

  it('gives a syntax diagnostic for a JSON object missing its last brace', () => {
    expectDiagnostic(json.slice(0, -1), {
      rule: 'syntax',
      message: /invalid YAML: .*must end with a \}/,
      line: 1,
    });
  });

  it('points at the line of a missing comma in pretty-printed JSON', () => {
    const text = '{\n  "version": 1,\n  "on": "push"\n  "jobs": {}\n}\n';
    expectDiagnostic(text, { rule: 'syntax', message: /invalid YAML: Missing ,/, line: 4 });
  });

  it('points at trailing garbage after a JSON document', () => {
    expectDiagnostic(json + ' garbage', { rule: 'syntax', message: /invalid YAML/, line: 1 });
  });
});

describe('duplicate keys', () => {
  it('reports a repeated top-level key where it is repeated', () => {
    const d = expectDiagnostic(VALID + 'on: pull_request\n', {
      rule: 'syntax',
      message: /duplicate key "on"/,
      line: 8,
      column: 1,
    });
    expect(d.length).toBe(2);
  });

  it('reports a repeated key inside a job', () => {
    const text = VALID.replace('    uses: exec\n', '    uses: exec\n    uses: exec\n');
    expectDiagnostic(text, { rule: 'syntax', message: /duplicate key "uses"/, line: 6, column: 5 });
  });

  it('reports a repeated job name', () => {
    const text = VALID + '  a:\n    sleep: 1s\n';
    expectDiagnostic(text, { rule: 'syntax', message: /duplicate key "a"/, line: 8, column: 3 });
  });
});

describe('tabs', () => {
  it('says tabs are not allowed as indentation, on the line with the tab', () => {
    const text = 'version: 1\non: push\njobs:\n  a:\n\tsleep: 1s\n';
    expectDiagnostic(text, {
      rule: 'syntax',
      message: /tabs are not allowed as indentation/,
      line: 5,
      column: 1,
    });
  });

  it('reports every tab-indented line', () => {
    const text = 'version: 1\non: push\njobs:\n\ta:\n\t\tsleep: 1s\n';
    const tabs = rejected(text).filter((d) => /tabs are not allowed/.test(d.message));
    expect(tabs.map((d) => d.line)).toEqual([4, 5]);
  });
});

describe('size and count limits', () => {
  it('refuses a 10 MB file without parsing it', () => {
    const text = VALID + '# ' + 'x'.repeat(10 * 1024 * 1024) + '\n';
    expectDiagnostic(text, { rule: 'limits', message: /10 MiB.*at most 512 KiB/, line: 1 });
  });

  it('refuses a 10 MB file of one long value', () => {
    const text = `version: 1\non: push\nname: "${'n'.repeat(10 * 1024 * 1024)}"\njobs: {}\n`;
    expectDiagnostic(text, { rule: 'limits', message: /MiB/, line: 1 });
  });

  it('refuses 4,000 jobs, pointing at "jobs"', () => {
    const jobs = Array.from({ length: 4_000 }, (_, i) => `  j${i}: { sleep: 1s }\n`).join('');
    const text = `version: 1\non: push\njobs:\n${jobs}`;
    expectDiagnostic(text, {
      rule: 'limits',
      message: /^4,000 jobs; a pipeline may have at most 1,000$/,
      line: 3,
      column: 1,
    });
  });
});

describe('deep nesting', () => {
  const brackets = '['.repeat(100_000);

  it('refuses 100,000 "[" at the bracket that goes too deep', () => {
    expectDiagnostic(brackets, { rule: 'limits', message: /nested more than \d+ deep/, line: 1 });
  });

  it('refuses 100,000 "[" as the value of "jobs"', () => {
    const text = `version: 1\non: push\njobs: ${brackets}\n`;
    expectDiagnostic(text, { rule: 'limits', message: /nested more than \d+ deep/, line: 3 });
  });

  it('refuses 100,000 "[" after an apostrophe in a plain scalar', () => {
    // `it's` is a plain scalar, not the start of a quoted one: the nesting guard must still count.
    const text = `version: 1\nname: it's the pipeline\non: push\njobs: ${brackets}\n`;
    expectDiagnostic(text, { rule: 'limits', message: /nested more than \d+ deep/, line: 4 });
  });

  it('refuses 100,000 "[" after an escaped quote in a double-quoted string', () => {
    const text = `version: 1\nname: "a 5\\" floppy"\non: push\njobs: ${brackets}\n`;
    expectDiagnostic(text, { rule: 'limits', message: /nested more than \d+ deep/, line: 4 });
  });

  it('refuses 2,000 levels of block mappings (one more space each)', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('');
    const [first] = rejected(text);
    expect(first!.rule).toBe('limits');
    expect(first!.message).toMatch(/MiB|nest/);
  });

  it('refuses 300 levels of block mappings, at the first line indented too deep', () => {
    const text = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('');
    expectDiagnostic(text, { rule: 'limits', message: /nest/, line: 258, column: 1 });
  });

  it('refuses 2,000 levels of compact block mappings ("? ? ? …") as too deeply nested', () => {
    const text = '? '.repeat(2000) + 'k\n';
    expectDiagnostic(text, { rule: 'limits', message: /nest/, line: 1 });
  });

  it('refuses 2,000 levels of compact block sequences ("- - - …") as too deeply nested', () => {
    const text = `version: 1\non: push\njobs:\n  a:\n    uses: exec\n    with:\n      command:\n        ${'- '.repeat(2000)}x\n`;
    expectDiagnostic(text, { rule: 'limits', message: /nest/, line: 8 });
  });
});

describe('YAML alias bomb', () => {
  it('stops a billion laughs before expanding it, at the alias that crosses the limit', () => {
    const levels = 'abcdefghi';
    const lines = ['version: 1', 'on: push', `x${levels[0]}: &${levels[0]} ["lol","lol","lol"]`];
    for (let i = 1; i < levels.length; i++) {
      const prev = `*${levels[i - 1]}`;
      lines.push(`x${levels[i]}: &${levels[i]} [${Array(9).fill(prev).join(',')}]`);
    }
    lines.push('jobs:', '  a:', '    uses: exec', '    with:', '      command: *i', '');
    // Expanded, x_d holds about 3,000 values and x_e nine times that: with what is above it,
    // the 8th *d of x_e (line 7, column 9 + 7 × 3) crosses 25,000.
    expectDiagnostic(lines.join('\n'), {
      rule: 'limits',
      message:
        /^the file holds more than 25,000 values once this alias is expanded; a config may hold at most 25,000 \(is this a YAML alias bomb\?\)$/,
      line: 7,
      column: 30,
    });
  });
});

describe('version', () => {
  it('explains that "version: 1.10" is read as the number 1.1', () => {
    const text = VALID.replace('version: 1', 'version: 1.10');
    const d = expectDiagnostic(text, {
      rule: 'version',
      message: /version must be 1, not 1\.1\b/,
      line: 1,
      column: 10,
    });
    expect(d.message).toMatch(/1\.10/);
  });
});

describe('expressions', () => {
  const withCommand = (arg: string) => VALID.replace('["true"]', JSON.stringify([arg]));

  it('reports an expression that does not parse, at its "${{"', () => {
    const text = withCommand('x ${{ event.sha == }}');
    expectDiagnostic(text, {
      rule: 'expression',
      message: /invalid expression "event\.sha =="/,
      line: 7,
      column: 20,
    });
  });

  it('reports an expression without its closing "}}"', () => {
    expectDiagnostic(withCommand('${{ event.sha'), {
      rule: 'expression',
      message: /unterminated expression/,
      line: 7,
      column: 18,
    });
  });

  const longValid = () => {
    // `event.sha == 'aaaa…' || event.sha == 'aaaa…' || …`, about 10,000 characters.
    const one = `event.sha == '${'a'.repeat(40)}'`;
    const source = Array.from({ length: 180 }, () => one).join(' || ');
    expect(source.length).toBeGreaterThanOrEqual(10_000);
    return source;
  };

  it('accepts a valid 10,000-character expression', () => {
    // Not the program itself: a program must be written literally (script-injection).
    accepted(VALID.replace('["true"]', JSON.stringify(['true', `\${{ ${longValid()} }}`])));
  });

  it('reports an invalid 10,000-character expression on its line', () => {
    const source = longValid() + ' ||';
    expectDiagnostic(withCommand(`\${{ ${source} }}`), {
      rule: 'expression',
      message: /invalid expression/,
      line: 7,
      column: 18,
    });
  });

  it('keeps the message of an invalid 10,000-character expression readable (shortened)', () => {
    const source = longValid() + ' ||';
    const d = expectDiagnostic(withCommand(`\${{ ${source} }}`), {
      rule: 'expression',
      message: /invalid expression/,
      line: 7,
    });
    expect(d.message.length).toBeLessThanOrEqual(1000);
  });
});

describe('a cycle of 500 jobs', () => {
  const n = 500;
  const jobs = Array.from(
    { length: n },
    (_, i) => `  j${i}:\n    needs: [j${(i + 1) % n}]\n    sleep: 1s\n`,
  ).join('');
  const text = `version: 1\non: push\njobs:\n${jobs}`;

  it('names the whole path j0 → j1 → … → j499 → j0 once, at the first job\'s "needs"', () => {
    const cycles = rejected(text).filter((d) => d.rule === 'cycle');
    expect(cycles).toHaveLength(1);
    const d = cycles[0]!;
    expect(d.line).toBe(5);
    expect(d.column).toBe(13);
    expect(d.message).toMatch(/^jobs need each other in a cycle: j0 → j1 → j2 → j3 → /);
    expect(d.message).toMatch(/ → j497 → j498 → j499 → j0$/);
    const path = d.message.replace(/^.*: /, '').split(' → ');
    expect(path).toEqual([...Array.from({ length: n }, (_, i) => `j${i}`), 'j0']);
  });
});

describe('a key that is 100 KB long', () => {
  const key = 'k'.repeat(100 * 1024);

  it('is refused as a top-level key, on its line', () => {
    expectDiagnostic(VALID + `${key}: 1\n`, {
      rule: 'syntax',
      message: /at most 1024 chars/,
      line: 8,
      column: 1,
    });
  });

  it('is refused as a job name, on its line', () => {
    const text = VALID.replace('  a:\n', `  ${key}:\n`);
    expectDiagnostic(text, { rule: 'syntax', message: /at most 1024 chars/, line: 4, column: 3 });
  });

  it('is reported with a readable (shortened) message when written as an explicit key', () => {
    const d = expectDiagnostic(VALID + `? ${key}\n: 1\n`, {
      rule: 'schema',
      message: /unknown key/,
      line: 8,
      column: 3,
    });
    expect(d.message.length).toBeLessThanOrEqual(1000);
  });
});

describe('NUL bytes', () => {
  const nul = /NUL|U\+0000|control character/i;
  // A control character is a YAML syntax error; it may also be refused up front as hostile text.
  const rule: Expected['rule'] = ['syntax', 'limits'];

  it('rejects a file of NUL bytes at 1:1', () => {
    expectDiagnostic('\0'.repeat(1000), { rule, message: nul, line: 1, column: 1 });
  });

  it('rejects NUL after a valid pipeline, on the last line', () => {
    expectDiagnostic(VALID + '\0', { rule, message: nul, line: 8, column: 1 });
  });

  it.each([
    ['in a quoted string', VALID.replace('["true"]', '["tr\0ue"]'), 7, 20],
    ['in a plain scalar', VALID.replace('on: push', 'on: pu\0sh'), 2, 7],
    ['in a comment', VALID + '# a \0 comment\n', 8, 5],
  ])(
    'reports a NUL byte %s where it is (YAML forbids control characters)',
    (_n, text, line, column) => {
      expectDiagnostic(text, { rule, message: nul, line, column });
    },
  );
});

describe('a UTF-8 byte order mark', () => {
  it('is accepted at the start of a valid file', () => {
    accepted('\uFEFF' + VALID);
    const result = compilePipeline('\uFEFF' + VALID, push, options);
    expect(result.status).toBe('graph');
  });

  it('is accepted before the example pipeline', () => {
    accepted(
      '\uFEFF' + readFileSync(new URL('../../examples/pipeline.yaml', import.meta.url), 'utf8'),
    );
  });

  it('does not shift the columns of the first line', () => {
    const text = '\uFEFF' + VALID.replace('version: 1', 'version: 2');
    expectDiagnostic(text, { rule: 'version', message: /version must be 1/, line: 1, column: 10 });
  });

  it('does not shift the lines that follow', () => {
    const text = '\uFEFF' + VALID.replace('on: push', 'on: pushy');
    expectDiagnostic(text, { rule: 'schema', message: /did you mean "push"/, line: 2, column: 5 });
  });
});

describe('CRLF line endings', () => {
  const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
  const example = readFileSync(new URL('../../examples/pipeline.yaml', import.meta.url), 'utf8');

  it('accepts a valid file and compiles it to the same nodes as with LF', () => {
    accepted(crlf(VALID));
    accepted(crlf(example));
    const lf = compilePipeline(example, pullRequest, options);
    const dos = compilePipeline(crlf(example), pullRequest, options);
    expect(lf.status).toBe('graph');
    expect(dos.status).toBe('graph');
    if (lf.status !== 'graph' || dos.status !== 'graph') return;
    expect(dos.graph.nodes).toEqual(lf.graph.nodes);
  });

  it('reports errors at the same lines and columns as with LF', () => {
    const broken = [
      'version: 1',
      'on: push',
      'jobs:',
      '  a:',
      '    sleep: 1s',
      '    timout: 5m',
      '  b:',
      '    sleep: 10x',
      '  c:',
      '    uses: exec',
      '    with:',
      '      command: [echo, "x ${{ event.nope }}"]',
      '',
    ].join('\n');
    const positions = (text: string) =>
      rejected(text).map(({ line, column, length, rule }) => ({ line, column, length, rule }));
    expect(positions(crlf(broken))).toEqual(positions(broken));
    expect(positions(crlf(broken))).toEqual([
      { line: 6, column: 5, length: 6, rule: 'schema' },
      { line: 8, column: 12, length: 3, rule: 'duration' },
      { line: 12, column: 26, length: 16, rule: 'expression' },
    ]);
  });

  it('reports a syntax error in a CRLF file on the right line', () => {
    const text = crlf('version: 1\non: push\njobs:\n  a:\n\tsleep: 1s\n');
    expectDiagnostic(text, { rule: 'syntax', message: /tabs are not allowed/, line: 5, column: 1 });
  });
});
