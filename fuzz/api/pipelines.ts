/** Pipeline texts for API bodies: the configs target's mutated and hostile configs. */
import { generateConfigCase } from '../configs/generate.js';
import type { Random } from '../random.js';

export function configsGeneratorText(random: Random): string {
  return generateConfigCase(random).text;
}
