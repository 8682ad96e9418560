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
