/**
 * on.manual.inputs: the declaration's diagnostics (with line and column), `${{ inputs.NAME }}`
 * checked against it, and the values a start gives resolved into the graph by the one shared
 * function (types, coercion from text, defaults, required, unknown names, sizes).
 */
import { describe, expect, it } from 'vitest';
import {
  COMPILE_LIMITS,
  declaredInputs,
  resolveInputs,
  validatePipeline,
} from '../../src/compiler/index.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import { compile, graphOf, manual, push } from './helpers.js';

const INPUTS = `
      env:
        type: choice
        options: [staging, production]
        default: staging
        description: Where to deploy
      debug: { type: boolean }
      count: { type: number, default: 2 }
      note: { required: true }`;

const pipeline = (inputs = INPUTS, use = '${{ inputs.env }}') => `version: 1
on:
  push: {}
  manual:
    inputs:${inputs}
jobs:
  deploy:
    uses: exec
    with:
      command: [echo, "$TARGET"]
      env: { TARGET: "${use}" }
`;

const withInputs = (inputs: Record<string, unknown>) => ({ ...manual(), inputs });

function errorsOf(text: string): string[] {
  const result = validatePipeline(text, { handlers: builtInRegistry });
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.column}: ${d.message} [${d.rule}]`);
}

describe('declaring inputs', () => {
  it('accepts the four types, a required input with a default, and reads them in order', () => {
    const text = pipeline(`${INPUTS}\n      who: { required: true, default: me }`);
    expect(errorsOf(text)).toEqual([]);
    const result = validatePipeline(text, { handlers: builtInRegistry });
    if (!result.ok) throw new Error('invalid');
    expect(declaredInputs(result.pipeline.on)).toEqual([
      {
        name: 'env',
        type: 'choice',
        required: false,
        default: 'staging',
        options: ['staging', 'production'],
        description: 'Where to deploy',
      },
      {
        name: 'debug',
        type: 'boolean',
        required: false,
        default: null,
        options: null,
        description: null,
      },
      {
        name: 'count',
        type: 'number',
        required: false,
        default: 2,
        options: null,
        description: null,
      },
      {
        name: 'note',
        type: 'string',
        required: true,
        default: null,
        options: null,
        description: null,
      },
      {
        name: 'who',
        type: 'string',
        required: true,
        default: 'me',
        options: null,
        description: null,
      },
    ]);
  });

  it('reports each wrong declaration at its place', () => {
    const errors = errorsOf(
      pipeline(
        `
      a: { type: chioce }
      b: { type: choice }
      c: { type: number, default: "3" }
      d: { type: choice, options: [x, y], default: z }
      e: { type: string, options: [x] }
      f: { type: boolean, default: yes }
      g: { type: choice, options: [x, x] }
      h: { default: 3 }
      1bad: {}
      i: { type: string, requried: true }`,
        'x',
      ),
    );
    expect(errors).toEqual([
      '6:18: "on.manual.inputs.a.type": "chioce" is not allowed; did you mean "choice"? [schema]',
      '7:7: input "b" is a choice without options; list them: options: [a, b] [inputs]',
      '8:35: the default of input "c" must be a number, as its type is number [inputs]',
      '9:52: the default of input "d" must be one of "x", "y"; did you mean "x"? [inputs]',
      '10:26: input "e" has options but is of type string; options are for "type: choice" [inputs]',
      '11:36: the default of input "f" must be true or false, as its type is boolean [inputs]',
      '12:39: input "g" lists "x" twice [inputs]',
      '13:21: the default of input "h" must be a string, as its type is string; quote it: "3" [inputs]',
      '14:7: input name "1bad" may use only letters, digits, "_" and "-", must not start with a digit, and may be at most 64 characters long [schema]',
      '15:26: unknown key "requried" in "on.manual.inputs.i"; did you mean "required"? [schema]',
    ]);
  });

  it(`refuses more than ${COMPILE_LIMITS.maxInputs} inputs and over-long values`, () => {
    const many = Array.from(
      { length: COMPILE_LIMITS.maxInputs + 1 },
      (_, i) => `\n      i${i}: {}`,
    );
    expect(errorsOf(pipeline(many.join(''), 'x'))).toEqual([
      '6:7: "on.manual.inputs" may have at most 25 entries [schema]',
    ]);
    const long = 'x'.repeat(COMPILE_LIMITS.maxInputChars + 1);
    expect(errorsOf(pipeline(`\n      a: { default: ${long} }`, 'x'))).toEqual([
      '6:21: "on.manual.inputs.a.default" may have at most 4,096 characters [schema]',
    ]);
  });
});

describe('${{ inputs.NAME }}', () => {
  it('refuses an undeclared input with a suggestion', () => {
    expect(errorsOf(pipeline(INPUTS, '${{ inputs.evn }}'))).toEqual([
      '19:23: "inputs.evn": no input "evn" is declared under on.manual.inputs; did you mean "env"? [expression]',
    ]);
  });

  it('refuses inputs in a pipeline that declares none, and a field of an input', () => {
    const none = `version: 1
on: [manual]
jobs:
  a: { uses: http.request, with: { url: "https://x/\${{ inputs.x }}" } }
`;
    expect(errorsOf(none)).toEqual([
      expect.stringContaining('"inputs.x": the pipeline declares no inputs'),
    ]);
    expect(errorsOf(pipeline(INPUTS, '${{ inputs.env.name }}'))).toEqual([
      expect.stringContaining('it has no "name"'),
    ]);
  });

  it('is read in if:, names, env and the concurrency group; not in a shell script', () => {
    const text = `version: 1
on: { manual: { inputs: { debug: { type: boolean } } } }
env: { DEBUG: "\${{ inputs.debug }}" }
concurrency: "deploy-\${{ inputs.debug }}"
jobs:
  a:
    if: \${{ inputs.debug }}
    name: "a \${{ inputs.debug && 'verbose' || 'quiet' }}"
    uses: exec
    with: { shell: "echo \${{ inputs.debug }}" }
`;
    expect(errorsOf(text)).toEqual([expect.stringContaining('[script-injection]')]);
  });

  it('is not mixed into a value that reads a secret (evaluated with the secrets alone)', () => {
    const mixed = pipeline(INPUTS, '${{ secrets.TOKEN }}:${{ inputs.env }}');
    expect(errorsOf(mixed)).toEqual([
      expect.stringContaining('"inputs.env" is in a value that reads a secret'),
    ]);
  });
});

describe('resolving the values a run starts with', () => {
  const declared = declaredInputs({
    manual: {
      inputs: {
        env: { type: 'choice', options: ['staging', 'production'], default: 'staging' },
        debug: { type: 'boolean' },
        count: { type: 'number', default: 2 },
        note: { required: true },
        tag: {},
      },
    },
  });

  it('reads text as the declared type and applies defaults', () => {
    expect(resolveInputs(declared, { debug: 'true', count: '-1.5e2', note: 'hi' })).toEqual({
      ok: true,
      values: { env: 'staging', debug: true, count: -150, note: 'hi', tag: null },
    });
    expect(
      resolveInputs(declared, { env: 'production', debug: false, count: 7, note: '' + 'x' }),
    ).toEqual({
      ok: true,
      values: { env: 'production', debug: false, count: 7, note: 'x', tag: null },
    });
    // An empty field means "not given", but a string may be empty when it is not required.
    expect(resolveInputs(declared, { count: '', env: '', note: 'n', tag: '' })).toEqual({
      ok: true,
      values: { env: 'staging', debug: false, count: 2, note: 'n', tag: '' },
    });
  });

  it('lists every problem at once', () => {
    const result = resolveInputs(declared, {
      env: 'prod',
      debug: 'yes',
      count: '3 apples',
      tag: 5,
      colour: 'red',
      note: '',
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          input: 'colour',
          message: 'no input "colour" is declared; declared: env, debug, count, note, tag',
        },
        { input: 'env', message: '"env" must be one of "staging", "production"; got "prod"' },
        { input: 'debug', message: '"debug" must be true or false; got "yes"' },
        { input: 'count', message: '"count" must be a number; got "3 apples"' },
        { input: 'note', message: '"note" is required' },
        { input: 'tag', message: '"tag" must be a string; got a number' },
      ],
    });
    const typo = resolveInputs(declared, { evn: 'x', note: 'n' });
    expect(typo.ok ? [] : typo.errors.map((e) => e.message)).toEqual([
      'no input "evn" is declared; did you mean "env"?; declared: env, debug, count, note, tag',
    ]);
  });

  it('bounds what it reads', () => {
    const long = 'x'.repeat(COMPILE_LIMITS.maxInputChars + 1);
    expect(resolveInputs(declared, { note: long })).toMatchObject({
      errors: [{ input: 'note', message: '"note" is 4,097 characters long; at most 4,096' }],
    });
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v']));
    expect(resolveInputs(declared, many)).toEqual({
      ok: false,
      errors: [{ input: '', message: '1,000 inputs given; a pipeline declares at most 25' }],
    });
    expect(resolveInputs(declared, { note: 'a\u0000b', tag: 'x\ud800' })).toEqual({
      ok: false,
      errors: [
        {
          input: 'note',
          message:
            '"note" contains a NUL character or a lone UTF-16 surrogate, which cannot be stored',
        },
        {
          input: 'tag',
          message:
            '"tag" contains a NUL character or a lone UTF-16 surrogate, which cannot be stored',
        },
      ],
    });
    expect(resolveInputs(declared, ['x'])).toMatchObject({ ok: false });
    expect(resolveInputs(declared, { count: 'Infinity', note: 'n' })).toMatchObject({
      ok: false,
    });
  });
});

describe('the graph', () => {
  it("holds a manual run's typed values", () => {
    const { graph } = graphOf(
      pipeline(),
      withInputs({ debug: 'true', note: 'go', env: 'production' }),
    );
    expect(graph.inputs).toEqual({ env: 'production', debug: true, count: 2, note: 'go' });
  });

  it('holds the defaults for a run of another trigger, whatever is required', () => {
    const { graph } = graphOf(pipeline(), push('main'));
    expect(graph.inputs).toEqual({ env: 'staging', debug: false, count: 2, note: null });
  });

  it('refuses a manual start whose inputs do not fit', () => {
    const result = compile(pipeline(), withInputs({ debug: 'maybe' }));
    expect(result).toMatchObject({
      status: 'invalid-inputs',
      errors: [
        { input: 'debug', message: '"debug" must be true or false; got "maybe"' },
        { input: 'note', message: '"note" is required' },
      ],
    });
  });

  it('has no inputs field where none are declared, and refuses inputs given to such a pipeline', () => {
    const plain = 'version: 1\non: [manual]\njobs:\n  a: { sleep: 1s }\n';
    expect('inputs' in graphOf(plain, manual()).graph).toBe(false);
    expect(compile(plain, withInputs({ x: '1' }))).toMatchObject({
      status: 'invalid-inputs',
      errors: [{ input: 'x', message: 'the pipeline declares no inputs (on.manual.inputs)' }],
    });
  });
});
