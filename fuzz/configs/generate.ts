/**
 * One config case from its own generator: a seed config mutated as text, mutated as YAML
 * structure, or a hostile config made from scratch (sometimes mutated again), now and then
 * given to the other front-end, and the event to compile it against.
 */
import { randomBytesString } from '../bytes.js';
import type { Random } from '../random.js';
import { seedConfigs, type ConfigKind } from './corpus.js';
import { EVENT_COUNT } from './events.js';
import { PACKIT_GENERATORS, PIPELINE_GENERATORS } from './generators.js';
import { MAX_TEXT, TEXT_MUTATIONS } from './text-mutations.js';
import { mutateStructure, STRUCTURE_MUTATIONS } from './yaml-mutations.js';

export interface ConfigCase {
  kind: ConfigKind;
  /** The file name the front-end is told (diagnostics start with it). */
  file: string;
  text: string;
  /** Index into the runner's events. */
  event: number;
  /** Where the text came from and what was done to it. */
  origin: string;
}

const FILES: Record<ConfigKind, string> = { pipeline: 'pipeline.yaml', packit: '.packit.yaml' };

function textMutations(random: Random, text: string, names: string[]): string {
  let out = text;
  for (let i = random.between(1, 4); i > 0; i--) {
    const mutation = random.pick(TEXT_MUTATIONS);
    names.push(mutation.name);
    out = mutation.apply(random, out).slice(0, MAX_TEXT);
  }
  return out;
}

export function generateConfigCase(random: Random): ConfigCase {
  const steps: string[] = [];
  let kind: ConfigKind;
  let text: string;
  let origin: string;
  const strategy = random.weighted([
    [40, 'text'],
    [30, 'structure'],
    [25, 'generated'],
    [5, 'garbage'],
  ] as const);
  if (strategy === 'generated') {
    const generator = random.chance(0.75)
      ? random.pick(PIPELINE_GENERATORS)
      : random.pick(PACKIT_GENERATORS);
    ({ kind, text } = generator.make(random));
    origin = `generated:${generator.name}`;
    if (random.chance(0.2)) text = textMutations(random, text, steps);
  } else if (strategy === 'garbage') {
    kind = random.chance(0.5) ? 'pipeline' : 'packit';
    text = randomBytesString(random, random.size(20_000));
    origin = 'garbage';
  } else {
    const seed = random.pick(seedConfigs());
    kind = seed.kind;
    origin = seed.path;
    const mutations = Array.from({ length: random.between(1, 3) }, () =>
      random.pick(STRUCTURE_MUTATIONS),
    );
    const structured =
      strategy === 'structure' ? mutateStructure(random, seed.text, mutations) : null;
    if (structured !== null) {
      steps.push(...mutations.map((m) => m.name));
      text = random.chance(0.3) ? textMutations(random, structured, steps) : structured;
    } else text = textMutations(random, seed.text, steps);
  }
  if (random.chance(0.05)) {
    kind = kind === 'pipeline' ? 'packit' : 'pipeline';
    steps.push('other-front-end');
  }
  return {
    kind,
    file: FILES[kind],
    text,
    event: random.int(EVENT_COUNT),
    origin: steps.length > 0 ? `${origin} + ${steps.join(', ')}` : origin,
  };
}
