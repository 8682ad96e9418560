/** The ajv validator of Packit files, compiled once (compiling costs milliseconds, validating microseconds). */
import { Ajv, type ValidateFunction } from 'ajv';
import { inlineRefs } from '../inline-refs.js';
import { PackitConfigSchema } from './schema.js';

let validator: ValidateFunction | undefined;

export function packitShapeValidator(): ValidateFunction {
  validator ??= new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
  }).compile(inlineRefs(JSON.parse(JSON.stringify(PackitConfigSchema)) as Record<string, unknown>));
  return validator;
}
