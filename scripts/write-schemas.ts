/** Regenerates schemas/*.json from their TypeBox source (`npm run schemas`). */
import { writeFileSync } from 'node:fs';
import { publishedPipelineSchema } from '../src/compiler/schema/publish.js';

const target = new URL('../schemas/pipeline.schema.json', import.meta.url);
writeFileSync(target, publishedPipelineSchema());
console.log(`wrote ${target.pathname}`);
