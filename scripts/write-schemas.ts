/** Regenerates schemas/*.json from their TypeBox source (`npm run schemas`). */
import { writeFileSync } from 'node:fs';
import { publishedPackitSchema } from '../src/compiler/packit/schema.js';
import { publishedPipelineSchema } from '../src/compiler/schema/publish.js';

const schemas: [string, () => string][] = [
  ['pipeline.schema.json', publishedPipelineSchema],
  ['packit.schema.json', publishedPackitSchema],
];
for (const [name, publish] of schemas) {
  const target = new URL(`../schemas/${name}`, import.meta.url);
  writeFileSync(target, publish());
  console.log(`wrote ${target.pathname}`);
}
