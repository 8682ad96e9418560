/**
 * The published JSON Schema text, exactly as `schemas/pipeline.schema.json` holds it. Kept in
 * the compiler so the generator script and the staleness test produce the same bytes.
 */
import { PipelineSchema } from './pipeline.js';

export function publishedPipelineSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(JSON.parse(JSON.stringify(PipelineSchema)) as Record<string, unknown>),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
