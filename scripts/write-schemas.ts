/**
 * Regenerates schemas/*.json from their TypeBox source, and the page's copy of the server's
 * lists (page/contract.js), with `npm run schemas`.
 */
import { writeFileSync } from 'node:fs';
import { publishedPackitSchema } from '../src/compiler/packit/schema.js';
import { publishedPipelineSchema } from '../src/compiler/schema/publish.js';
import { pageContract } from './page-contract.js';

const schemas: [string, () => string][] = [
  ['pipeline.schema.json', publishedPipelineSchema],
  ['packit.schema.json', publishedPackitSchema],
];
for (const [name, publish] of schemas) {
  const target = new URL(`../schemas/${name}`, import.meta.url);
  writeFileSync(target, publish());
  console.log(`wrote ${target.pathname}`);
}
const contract = new URL('../page/contract.js', import.meta.url);
writeFileSync(contract, await pageContract());
console.log(`wrote ${contract.pathname}`);
