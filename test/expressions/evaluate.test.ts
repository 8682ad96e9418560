import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';
import {
  EvaluationError,
  evaluateCondition,
  evaluateExpression,
  evaluateTemplate,
  evaluateValue,
  type ExpressionContext,
  type StatusFunctions,
} from '../../src/expressions/evaluate.js';
import { MAX_DEPTH } from '../../src/expressions/convert.js';
import { normalizeEvent } from '../../src/forges/normalize.js';

const context: ExpressionContext = {
  event: {
    kind: 'pull_request',
    sha: 'abc123',
    repo: { full_name: 'octo/hello' },
    pr: {
      number: 42,
      title: 'Fix it',
      draft: false,
      labels: [{ name: 'bug' }, { name: 'Needs-Review' }],
    },
    tag: null,
    changed_paths: ['src/a.ts', 'docs/b.md'],
  },
  env: { COPR_OWNER: 'myorg', EMPTY: '', JSON: '{"a":[1,2]}' },
  matrix: { target: 'fedora-41-x86_64' },
  needs: { build: { output: { id: 7, ok: true }, result: 'success' } },
  run: { id: 'r1', attempt: 1 },
};

const ev = (source: string, ctx: ExpressionContext = context): unknown =>
  evaluateExpression(source, ctx);

function statuses(success: boolean, extra: Partial<StatusFunctions> = {}): StatusFunctions {
  return {
    success: () => success,
    failure: () => !success,
    always: () => true,
    cancelled: () => false,
    ...extra,
  };
}

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

function evaluationError(work: () => unknown): EvaluationError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(EvaluationError);
    return error as EvaluationError;
  }
  throw new Error('expected an EvaluationError');
}

describe('evaluateExpression: operators', () => {
  it.each([
    ['1 == 1', true],
    ['1 != 1', false],
    ['2 > 1', true],
    ['2 >= 2', true],
    ['1 < 2', true],
    ['2 <= 1', false],
    ['!true', false],
    ['!0', true],
    ["!''", true],
    ['!null', true],
    ["!'x'", false],
    ['true && false', false],
    ["'a' && 'b'", 'b'],
    ["'' || 'fallback'", 'fallback'],
    ["null || 0 || 'x'", 'x'],
    ['true || false && false', true],
    ['(true || false) && false', false],
    ['!false && false', false],
    ['1 < 2 == true', true],
  ])('%s → %j', (source, expected) => {
    expect(ev(source)).toBe(expected);
  });

  it('returns && and || operands, not booleans', () => {
    expect(ev('event.pr.number || 0')).toBe(42);
    expect(ev('event.tag || event.sha')).toBe('abc123');
    expect(ev('env.EMPTY && event.sha')).toBe('');
  });

  it('applies loose equality as the library documents it', () => {
    expect(ev("'1' == 1")).toBe(true);
    expect(ev("'0x10' == 16")).toBe(true);
    expect(ev("null == ''")).toBe(true);
    expect(ev('null == 0')).toBe(true);
    expect(ev('null == false')).toBe(true);
    expect(ev("'' == false")).toBe(true);
    expect(ev('1 == true')).toBe(true);
    expect(ev("'abc' == 'ABC'")).toBe(true);
    expect(ev("'abc' == 'abd'")).toBe(false);
    expect(ev("'x' == 0")).toBe(false); // NaN never equals
    expect(ev("'b' > 'A'")).toBe(true); // ordinal, ignoring case
    // objects compare by reference
    expect(ev('event.pr == event.pr')).toBe(true);
    expect(ev("fromJSON('[1]') == fromJSON('[1]')")).toBe(false);
  });

  it('reads literals', () => {
    expect(ev("'it''s'")).toBe("it's");
    expect(ev('0x10')).toBe(16);
    expect(ev('1.5e3')).toBe(1500);
    expect(ev('-2')).toBe(-2);
    expect(ev('null')).toBeNull();
  });
});

describe('evaluateExpression: contexts', () => {
  it('reads properties case-insensitively', () => {
    expect(ev('event.PR.Number')).toBe(42);
    expect(ev('EVENT.pr.number')).toBe(42);
    expect(ev("event['pr']['title']")).toBe('Fix it');
    expect(ev('env.copr_owner')).toBe('myorg');
  });

  it('returns null for missing fields, indexes and contexts', () => {
    expect(ev('event.nope')).toBeNull();
    expect(ev('event.nope.deeper')).toBeNull();
    expect(ev('event.sha.length')).toBeNull();
    expect(ev('event.changed_paths[5]')).toBeNull();
    expect(ev('output')).toBeNull();
    expect(ev('output.body.id')).toBeNull();
    expect(ev('matrix.target', { matrix: null })).toBeNull();
    expect(ev('needs.build.output.id', {})).toBeNull();
  });

  it('indexes arrays', () => {
    expect(ev('event.changed_paths[0]')).toBe('src/a.ts');
    expect(ev("event.changed_paths['1']")).toBe('docs/b.md');
    expect(ev('event.pr.labels[1].name')).toBe('Needs-Review');
  });

  it('returns whole objects and arrays as plain copies', () => {
    const value = ev('needs.build.output');
    expect(value).toEqual({ id: 7, ok: true });
    expect(value).not.toBe(context.needs?.build?.output);
    expect(ev('event.changed_paths')).toEqual(['src/a.ts', 'docs/b.md']);
  });

  it('filters with *', () => {
    expect(ev('event.pr.labels.*.name')).toEqual(['bug', 'Needs-Review']);
    expect(ev("contains(event.pr.labels.*.name, 'needs-review')")).toBe(true);
    expect(ev("contains(event.pr.labels.*.name, 'wontfix')")).toBe(false);
    expect(ev('needs.*.result')).toEqual(['success']);
    expect(ev('event.sha.*')).toEqual([]);
  });

  it('converts Dates, undefined, Maps and Sets', () => {
    const ctx: ExpressionContext = {
      run: {
        at: new Date('2024-05-06T07:08:09.000Z'),
        missing: undefined,
        map: new Map([['k', 1]]),
        set: new Set(['a', 'b']),
        big: 12n,
      },
    };
    expect(ev('run.at', ctx)).toBe('2024-05-06T07:08:09.000Z');
    expect(ev('run.missing', ctx)).toBeNull();
    expect(ev('run.map.k', ctx)).toBe(1);
    expect(ev('run.set', ctx)).toEqual(['a', 'b']);
    expect(ev('run.big', ctx)).toBe(12);
  });

  it('keeps keys that collide with Object.prototype (the library Dictionary drops them)', () => {
    const ctx: ExpressionContext = { output: JSON.parse('{"constructor":"c","__proto__":"p"}') };
    expect(ev('output.constructor', ctx)).toBe('c');
    expect(ev("output['__proto__']", ctx)).toBe('p');
    const copy = ev('output', ctx) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['constructor', '__proto__']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('does not evaluate a context the expression does not read', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(ev('event.kind', { event: { kind: 'push' }, run: cyclic })).toBe('push');
  });
});

describe('evaluateExpression: functions', () => {
  it('contains', () => {
    expect(ev("contains('Hello world', 'WORLD')")).toBe(true);
    expect(ev("contains(event.changed_paths, 'docs/b.md')")).toBe(true);
    expect(ev("contains(event.changed_paths, 'docs')")).toBe(false);
  });

  it('startsWith and endsWith', () => {
    expect(ev("startsWith(matrix.target, 'FEDORA-')")).toBe(true);
    expect(ev("endsWith(matrix.target, '_64')")).toBe(true);
    expect(ev("startsWith(event.pr, 'x')")).toBe(false);
  });

  it('format', () => {
    expect(ev("format('{0}-{1}', event.repo.full_name, event.pr.number)")).toBe('octo/hello-42');
    expect(ev("format('{{literal}} {0}', null)")).toBe('{literal} ');
    const error = evaluationError(() => ev("format('{1}', 'a')"));
    expect(error.message).toMatch(/references more arguments/);
  });

  it('join', () => {
    expect(ev('join(event.changed_paths)')).toBe('src/a.ts,docs/b.md');
    expect(ev("join(event.pr.labels.*.name, ' | ')")).toBe('bug | Needs-Review');
    expect(ev("join('solo')")).toBe('solo');
  });

  it('toJSON of an object', () => {
    expect(ev('toJSON(needs.build.output)')).toBe('{\n  "id": 7,\n  "ok": true\n}');
    expect(JSON.parse(ev('toJSON(event.pr)') as string)).toEqual(
      (context.event as { pr: unknown }).pr,
    );
    expect(ev('toJSON(null)')).toBe('null');
  });

  it('fromJSON', () => {
    expect(ev('fromJSON(env.JSON)')).toEqual({ a: [1, 2] });
    expect(ev('fromJSON(env.JSON).a[1]')).toBe(2);
    expect(ev("fromJSON('true')")).toBe(true);
  });

  it('fromJSON of bad JSON is an EvaluationError', () => {
    const error = evaluationError(() => ev("fromJSON('{oops')"));
    expect(error.expression).toBe("fromJSON('{oops')");
    expect(error.message).toMatch(/^cannot evaluate "fromJSON\('\{oops'\)": Error parsing JSON/);
    expect(error.cause).toBeInstanceOf(Error);
    expect(() => ev('fromJSON(env.EMPTY)')).toThrow(EvaluationError);
  });

  it('case', () => {
    expect(ev("case(event.pr.draft, 'draft', event.pr.number > 40, 'big', 'small')")).toBe('big');
  });

  it('function names are case-insensitive', () => {
    expect(ev("CONTAINS('abc', 'B')")).toBe(true);
    expect(ev("ToJson('x')")).toBe('"x"');
  });

  it('rejects unknown functions, wrong arity and syntax errors', () => {
    expect(evaluationError(() => ev('shout(1)')).message).toMatch(/Unrecognized function: 'shout'/);
    expect(() => ev("contains('a')")).toThrow(EvaluationError);
    expect(() => ev('1 +')).toThrow(EvaluationError);
    expect(() => ev("'unterminated")).toThrow(EvaluationError);
    expect(() => ev('')).toThrow(EvaluationError);
  });

  it('allows status functions only when statuses are given', () => {
    expect(evaluationError(() => ev('success()')).message).toMatch(/Unrecognized function/);
    expect(evaluateExpression('success()', context, statuses(true))).toBe(true);
    expect(evaluateExpression('FAILURE() || cancelled()', context, statuses(true))).toBe(false);
  });

  it('shortens the expression it reports to 200 characters', () => {
    const source = `shout('${'x'.repeat(500)}')`;
    const error = evaluationError(() => ev(source));
    expect(error.expression.length).toBeLessThanOrEqual(200);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('evaluateTemplate', () => {
  it('returns a string without ${{ unchanged', () => {
    expect(evaluateTemplate('plain {{ text }}', context)).toBe('plain {{ text }}');
    expect(evaluateTemplate('', context)).toBe('');
  });

  it('keeps the type of a template that is one expression', () => {
    expect(evaluateTemplate('${{ event.pr.number }}', context)).toBe(42);
    expect(evaluateTemplate('  ${{ event.pr.draft }}\n', context)).toBe(false);
    expect(evaluateTemplate('${{ event.tag }}', context)).toBeNull();
    expect(evaluateTemplate('${{ needs.build.output }}', context)).toEqual({ id: 7, ok: true });
    expect(evaluateTemplate('${{ event.pr.labels.*.name }}', context)).toEqual([
      'bug',
      'Needs-Review',
    ]);
  });

  it('interpolates values as text', () => {
    expect(evaluateTemplate('n=${{ event.pr.number }}', context)).toBe('n=42');
    expect(evaluateTemplate('[${{ event.tag }}]', context)).toBe('[]');
    expect(evaluateTemplate('${{ true }}/${{ false }}/', context)).toBe('true/false/');
    expect(evaluateTemplate('${{ 1.50 }} ${{ 0x10 }} ${{ -0.25 }}.', context)).toBe(
      '1.5 16 -0.25.',
    );
  });

  it('interpolates objects and arrays as toJSON would', () => {
    expect(evaluateTemplate('out: ${{ needs.build.output }}', context)).toBe(
      `out: ${ev('toJSON(needs.build.output)') as string}`,
    );
    expect(evaluateTemplate('paths: ${{ event.changed_paths }}', context)).toBe(
      'paths: [\n  "src/a.ts",\n  "docs/b.md"\n]',
    );
  });

  it('concatenates several expressions with the text between them', () => {
    expect(evaluateTemplate('${{ event.repo.full_name }}/${{ event.pr.number }}', context)).toBe(
      'octo/hello/42',
    );
    expect(evaluateTemplate(' ${{ 1 }} ${{ 2 }} ', context)).toBe(' 1 2 ');
  });

  it('keeps literal braces and }} inside string literals', () => {
    expect(evaluateTemplate("${{ '}}' }}", context)).toBe('}}');
    expect(evaluateTemplate("a ${{ format('{{0}}}} {0}', 'x') }} }}", context)).toBe('a {0}} x }}');
    expect(evaluateTemplate("{ ${{ 'it''s }}' }} }", context)).toBe("{ it's }} }");
  });

  it('throws EvaluationError for a malformed template or a failing expression', () => {
    const open = evaluationError(() => evaluateTemplate('x ${{ event.sha', context));
    expect(open.message).toMatch(/unterminated/);
    expect(open.expression).toBe('x ${{ event.sha');
    expect(() => evaluateTemplate('x ${{ }}', context)).toThrow(EvaluationError);
    const failing = evaluationError(() => evaluateTemplate('a ${{ 1 }} ${{ nope() }}', context));
    expect(failing.expression).toBe('nope()');
    expect(() => evaluateTemplate('${{ success() }}', context)).toThrow(EvaluationError);
  });
});

describe('evaluateValue', () => {
  it('evaluates every string deep in objects and arrays, leaving keys alone', () => {
    const input = {
      method: 'POST',
      url: 'https://b.example/${{ env.COPR_OWNER }}',
      json: {
        ref: '${{ event.sha }}',
        '${{ key }}': ['${{ matrix.target }}', 3, true, null, { n: '${{ event.pr.number }}' }],
      },
      timeout: 5,
    };
    expect(evaluateValue(input, context)).toEqual({
      method: 'POST',
      url: 'https://b.example/myorg',
      json: {
        ref: 'abc123',
        '${{ key }}': ['fedora-41-x86_64', 3, true, null, { n: 42 }],
      },
      timeout: 5,
    });
  });

  it('never mutates its input and returns new containers', () => {
    const input = { list: ['${{ event.sha }}', { deep: '${{ event.kind }}' }] };
    const snapshot = structuredClone(input);
    const output = evaluateValue(input, context) as typeof input;
    expect(input).toEqual(snapshot);
    expect(output).not.toBe(input);
    expect(output.list).not.toBe(input.list);
    expect(output.list[1]).not.toBe(input.list[1]);
  });

  it('passes non-strings through', () => {
    expect(evaluateValue(7, context)).toBe(7);
    expect(evaluateValue(null, context)).toBeNull();
    expect(evaluateValue('${{ run.attempt }}', context)).toBe(1);
  });

  it('rejects values nested too deeply, and cycles', () => {
    expect(() => evaluateValue(nested(MAX_DEPTH), context)).not.toThrow();
    expect(() => evaluateValue(nested(MAX_DEPTH + 1), context)).toThrow(EvaluationError);
    const cyclic: Record<string, unknown> = { a: '${{ 1 }}' };
    cyclic.self = cyclic;
    expect(() => evaluateValue(cyclic, context)).toThrow(/cyclic/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { v: '${{ event.kind }}' };
    expect(evaluateValue({ a: shared, b: shared }, context)).toEqual({
      a: { v: 'pull_request' },
      b: { v: 'pull_request' },
    });
  });
});

describe('evaluateCondition', () => {
  it('evaluates status functions', () => {
    expect(evaluateCondition('success()', context, statuses(true))).toBe(true);
    expect(evaluateCondition('success()', context, statuses(false))).toBe(false);
    expect(evaluateCondition('${{ failure() }}', context, statuses(false))).toBe(true);
    expect(evaluateCondition('failure()', context, statuses(true))).toBe(false);
    expect(evaluateCondition('always()', context, statuses(false))).toBe(true);
    expect(evaluateCondition('cancelled()', context, statuses(true))).toBe(false);
    expect(
      evaluateCondition('cancelled()', context, statuses(true, { cancelled: () => true })),
    ).toBe(true);
  });

  it('wraps a condition without status functions as success() && (condition)', () => {
    expect(evaluateCondition("event.kind == 'pull_request'", context, statuses(true))).toBe(true);
    expect(evaluateCondition("event.kind == 'pull_request'", context, statuses(false))).toBe(false);
    expect(evaluateCondition("event.kind == 'push'", context, statuses(true))).toBe(false);
    // short-circuits: a failing expression is not evaluated when success() is false
    expect(evaluateCondition("fromJSON('{')", context, statuses(false))).toBe(false);
  });

  it('does not wrap when a status function appears anywhere', () => {
    expect(
      evaluateCondition("always() && event.kind == 'pull_request'", context, statuses(false)),
    ).toBe(true);
    expect(evaluateCondition('!cancelled()', context, statuses(false))).toBe(true);
    expect(
      evaluateCondition("contains(format('{0}', Failure()), 't')", context, statuses(false)),
    ).toBe(true);
  });

  it('applies GitHub truthiness', () => {
    const yes = statuses(true);
    expect(evaluateCondition("''", context, yes)).toBe(false);
    expect(evaluateCondition('0', context, yes)).toBe(false);
    expect(evaluateCondition('null', context, yes)).toBe(false);
    expect(evaluateCondition('false', context, yes)).toBe(false);
    expect(evaluateCondition("'false'", context, yes)).toBe(true);
    expect(evaluateCondition('event.pr', context, yes)).toBe(true);
    expect(evaluateCondition('event.pr.labels', context, yes)).toBe(true);
    expect(evaluateCondition('  ${{ event.pr.number }}  ', context, yes)).toBe(true);
  });

  it('rejects text around ${{ }} and bad expressions', () => {
    const yes = statuses(true);
    expect(() => evaluateCondition('${{ true }} && ${{ false }}', context, yes)).toThrow(
      /must be one expression/,
    );
    expect(() => evaluateCondition('nope()', context, yes)).toThrow(EvaluationError);
    expect(() => evaluateCondition('', context, yes)).toThrow(EvaluationError);
  });
});

describe('hostile values', () => {
  it('rejects context values nested deeper than the limit', () => {
    expect(ev('run.next.next', { run: nested(MAX_DEPTH) as Record<string, unknown> })).toEqual(
      nested(MAX_DEPTH - 2),
    );
    const error = evaluationError(() =>
      ev('run.next', { run: nested(MAX_DEPTH + 1) as Record<string, unknown> }),
    );
    expect(error.message).toMatch(/nested deeper than 64/);
    expect(() => ev('event.x', { event: nested(100_000) })).toThrow(EvaluationError);
  });

  it('rejects cyclic context values', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => ev('run.name', { run: cyclic })).toThrow(/cyclic/);
    const list: unknown[] = [];
    list.push(list);
    expect(() => ev('output[0]', { output: list })).toThrow(/cyclic/);
  });

  it('rejects results nested too deeply (fromJSON) without overflowing the stack', () => {
    const deep = (n: number): string => `fromJSON('${'['.repeat(n)}${']'.repeat(n)}')`;
    expect(ev(deep(10))).toEqual(JSON.parse(`${'['.repeat(10)}${']'.repeat(10)}`));
    expect(() => ev(deep(100))).toThrow(EvaluationError);
    expect(() => ev(deep(5000))).toThrow(EvaluationError);
    expect(() => ev(`toJSON(${deep(5000)})`)).toThrow(EvaluationError);
    expect(() => evaluateTemplate(`x ${'${{'} ${deep(100)} }}`, context)).toThrow(EvaluationError);
  });

  it('rejects expressions over the length limit', () => {
    expect(evaluationError(() => ev(`'${'x'.repeat(21_000)}'`)).message).toMatch(/21,000/);
  });
});

describe('examples/pipeline.yaml', () => {
  const root = new URL('../../', import.meta.url);
  const pipeline: unknown = parse(readFileSync(new URL('examples/pipeline.yaml', root), 'utf8'));
  const payload: unknown = JSON.parse(
    readFileSync(new URL('examples/events/github-pull_request-opened.json', root), 'utf8'),
  );
  const normalized = normalizeEvent('github', 'pull_request', payload);
  if (!normalized.ok) throw new Error(normalized.ignored);
  const realistic: ExpressionContext = {
    event: normalized.event,
    env: { COPR_OWNER: 'myorg', BUILD_API: 'https://builds.example/api' },
    matrix: { target: 'fedora-41-x86_64' },
    needs: {
      build: { output: { status: 201, body: { id: 991, state: 'succeeded' } }, result: 'success' },
      approve: { output: { user: 'maintainer' }, result: 'success' },
      test: { output: { exit_code: 0 }, result: 'failure' },
    },
    run: { id: 'run-1', url: 'https://forgeflow.example/runs/run-1', pipeline: 'ci', attempt: 1 },
    output: { status: 200, body: { id: 991, state: 'running' } },
  };

  function templates(): { path: string; key: string; text: string }[] {
    const found: { path: string; key: string; text: string }[] = [];
    const walk = (value: unknown, path: string, key: string): void => {
      if (typeof value === 'string') {
        if (value.includes('${{')) found.push({ path, key, text: value });
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => walk(item, `${path}[${i}]`, key));
      } else if (typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, k);
      }
    };
    walk(pipeline, '', '');
    return found;
  }

  it('has templates to evaluate', () => {
    expect(templates().length).toBeGreaterThan(15);
  });

  it.each(templates().map((t) => [t.path, t] as const))('%s evaluates', (_path, t) => {
    const value =
      t.key === 'if'
        ? evaluateCondition(t.text, realistic, statuses(true))
        : evaluateTemplate(t.text, realistic);
    expect(value).not.toBeUndefined();
  });

  it('gives the values a user expects', () => {
    const doc = pipeline as {
      concurrency: { group: string };
      jobs: Record<string, { with?: Record<string, unknown>; poll?: { until: string } }>;
    };
    expect(evaluateTemplate(doc.concurrency.group, realistic)).toBe('Codertocat/Hello-World/2');
    expect(evaluateValue(doc.jobs.build?.with, realistic)).toMatchObject({
      url: 'https://builds.example/api/builds',
      json: {
        owner: 'myorg',
        ref: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        chroot: 'fedora-41-x86_64',
      },
    });
    expect(evaluateTemplate(doc.jobs.build?.poll?.until ?? '', realistic)).toBe(false);
    expect(evaluateValue(doc.jobs.test?.with, realistic)).toMatchObject({
      command: ['./ci/test.sh', '--target', 'fedora-41-x86_64', '--build', 991],
    });
    expect(evaluateValue(doc.jobs.notify?.with, realistic)).toEqual({
      body: 'forgeflow ci: tests failure (https://forgeflow.example/runs/run-1)',
    });
    expect(
      evaluateCondition(
        "${{ success() && (event.tag != null || event.kind == 'release') }}",
        realistic,
        statuses(true),
      ),
    ).toBe(false);
  });
});
