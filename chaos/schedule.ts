/**
 * What the chaos does and when, drawn from the seeded generator before anything starts, so a
 * seed names the same kills (moment and victim) and the same restart moments every time; only
 * what the workers happen to be doing at those moments differs between two runs of a seed (and a
 * kill waits for its victim to be up and running an attempt, chaos.ts, at most seconds).
 */
import type { Random } from '../fuzz/random.js';

export type Blow = { at: number; kind: 'kill'; slot: number } | { at: number; kind: 'restart' };

export interface ScheduleOptions {
  kills: number;
  restarts: number;
  workers: number;
  /** The chaos lasts this long (ms from its start); every blow falls inside it. */
  durationMs: number;
}

/**
 * Kills at uniformly random moments of the chaos (after its first 5%, so every worker has
 * started), each of a random worker; the restarts somewhere in its middle third.
 */
export function drawSchedule(random: Random, options: ScheduleOptions): Blow[] {
  const { kills, restarts, workers, durationMs } = options;
  const blows: Blow[] = [];
  const from = Math.round(durationMs * 0.05);
  for (let i = 0; i < kills; i++)
    blows.push({ at: random.between(from, durationMs), kind: 'kill', slot: random.int(workers) });
  for (let i = 0; i < restarts; i++)
    blows.push({
      at: random.between(Math.round(durationMs / 3), Math.round((durationMs * 2) / 3)),
      kind: 'restart',
    });
  return blows.sort((a, b) => a.at - b.at);
}
