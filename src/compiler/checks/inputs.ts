/**
 * `on.manual.inputs` rules the schema cannot express: a choice needs options and only a choice
 * has them, options are distinct, and a default has the declared type (a choice's is one of its
 * options). A required input with a default is allowed, as in GitHub Actions: the default is
 * its value when none is given.
 */
import { declaredInputs, inputsMapping } from '../inputs/declared.js';
import { optionList } from '../inputs/resolve.js';
import { didYouMean } from '../suggest.js';
import { type CheckContext, dict } from './context.js';

const TYPE_WORDS = { string: 'a string', number: 'a number', boolean: 'true or false' } as const;

export function checkInputs(ctx: CheckContext, pipeline: unknown): void {
  const on = dict(pipeline).on;
  const raw = inputsMapping(on);
  for (const input of declaredInputs(on)) {
    const spec = dict(raw[input.name]);
    const at = ['on', 'manual', 'inputs', input.name];
    const { name, type } = input;
    if (type === 'choice' && !Array.isArray(spec.options))
      ctx.report(
        at,
        'inputs',
        `input "${name}" is a choice without options; list them: options: [a, b]`,
        'key',
      );
    if (type !== 'choice' && spec.options !== undefined)
      ctx.report(
        [...at, 'options'],
        'inputs',
        `input "${name}" has options but is of type ${type}; options are for "type: choice"`,
        'key',
      );
    if (Array.isArray(spec.options)) {
      const seen = new Set<unknown>();
      spec.options.forEach((option, i) => {
        if (seen.has(option))
          ctx.report(
            [...at, 'options', i],
            'inputs',
            `input "${name}" lists ${JSON.stringify(option)} twice`,
          );
        seen.add(option);
      });
    }
    if (spec.default === undefined || spec.default === null) continue;
    const given = spec.default;
    const wanted = type === 'choice' ? 'string' : type;
    if (typeof given !== wanted) {
      const hint =
        wanted === 'string' && (typeof given === 'number' || typeof given === 'boolean')
          ? `; quote it: "${String(given)}"`
          : '';
      ctx.report(
        [...at, 'default'],
        'inputs',
        `the default of input "${name}" must be ${type === 'choice' ? 'one of its options' : TYPE_WORDS[type]}, as its type is ${type}${hint}`,
      );
    } else if (type === 'choice' && input.options && input.options.length > 0) {
      const value = given as string;
      if (!input.options.includes(value))
        ctx.report(
          [...at, 'default'],
          'inputs',
          `the default of input "${name}" must be ${optionList(input.options)}${didYouMean(value, input.options)}`,
        );
    }
  }
}
