/**
 * The inputs a pipeline declares under `on.manual.inputs`, read defensively (the checks run on
 * documents the schema refused too) into one plain shape the checks, the resolver, the API's
 * validate answer and the page's form share.
 */
import type { InputValue } from '../../contracts/inputs.js';
import { dict } from '../checks/context.js';
import { INPUT_TYPES, type InputType } from '../schema/inputs.js';

export interface DeclaredInput {
  name: string;
  type: InputType;
  required: boolean;
  default: InputValue | null;
  /** A choice's options; null for the other types. */
  options: string[] | null;
  description: string | null;
}

/** The raw `inputs:` mapping under `on.manual`, or an empty one. */
export function inputsMapping(on: unknown): Record<string, unknown> {
  return dict(dict(dict(on).manual).inputs);
}

export function declaredInputs(on: unknown): DeclaredInput[] {
  return Object.entries(inputsMapping(on)).map(([name, raw]) => {
    const spec = dict(raw);
    const type = (INPUT_TYPES as readonly unknown[]).includes(spec.type)
      ? (spec.type as InputType)
      : 'string';
    const given = spec.default;
    const options = Array.isArray(spec.options)
      ? spec.options.filter((o): o is string => typeof o === 'string')
      : null;
    return {
      name,
      type,
      required: spec.required === true,
      default:
        typeof given === 'string' || typeof given === 'number' || typeof given === 'boolean'
          ? given
          : null,
      options: type === 'choice' ? (options ?? []) : null,
      description: typeof spec.description === 'string' ? spec.description : null,
    };
  });
}
