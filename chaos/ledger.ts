/**
 * Reads the executions the recording handlers wrote (recording-handlers.js): every `*.jsonl`
 * file of the chaos directory, one per worker process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Execution {
  run: string;
  node: string;
  attempt: number;
  phase: 'start' | 'done';
  pid: number;
  /** Date.now() in the worker when it wrote the line. */
  t: number;
}

/** `torn`: lines that do not parse (there should be none: each is one append). */
export function readLedger(dir: string): { executions: Execution[]; torn: number } {
  const executions: Execution[] = [];
  let torn = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        executions.push(JSON.parse(line) as Execution);
      } catch {
        torn++;
      }
    }
  }
  return { executions, torn };
}
