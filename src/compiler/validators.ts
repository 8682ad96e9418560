/**
 * ajv validators, compiled once per schema and cached: compiling is the expensive part
 * (milliseconds), validating is cheap (microseconds).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { PipelineSchema } from './schema/pipeline.js';

let pipelineValidator: ValidateFunction | undefined;

export function validatePipelineShape(): ValidateFunction {
  pipelineValidator ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(
    JSON.parse(JSON.stringify(PipelineSchema)) as object,
  );
  return pipelineValidator;
}

// Handler schemas come from handler authors; unknown keywords there are tolerated, not fatal.
const handlerAjv = new Ajv({ allErrors: true, verbose: true, strict: false });
const handlerValidators = new WeakMap<object, ValidateFunction>();

export function handlerInputValidator(schema: Record<string, unknown>): ValidateFunction {
  let validator = handlerValidators.get(schema);
  if (!validator) {
    validator = handlerAjv.compile(schema);
    handlerValidators.set(schema, validator);
  }
  return validator;
}

// At run time the evaluated input is checked again, coercing scalars where the schema asks for
// a string: `${{ needs.build.output.id }}` in an argv list evaluates to a number.
const runtimeAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: true });
const runtimeValidators = new WeakMap<object, ValidateFunction>();

export function handlerRuntimeValidator(schema: Record<string, unknown>): ValidateFunction {
  let validator = runtimeValidators.get(schema);
  if (!validator) {
    validator = runtimeAjv.compile(schema);
    runtimeValidators.set(schema, validator);
  }
  return validator;
}
