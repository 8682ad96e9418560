/**
 * Checking a handler's input against its spec's JSON Schema: the compiler checks what `with:`
 * says, the worker checks the evaluated input again before calling the handler. ajv validators
 * are compiled once per schema and cached (compiling takes milliseconds, validating
 * microseconds).
 */
import { Ajv, type ValidateFunction } from 'ajv';

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
