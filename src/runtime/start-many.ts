/**
 * Runtime.startMany: the call's starts in transactions of up to START_BATCH_MAX (start-batch.ts),
 * two at a time, so that Node plans and encodes one batch while Postgres writes the other. An
 * idempotency key repeated in the call is started by its first start, which the others then
 * return. Runs of a concurrency group go in input order, one batch after another, so they
 * arrive in their groups in the order given.
 */
import type { Engine } from './engine.js';
import { publish } from './run-transaction.js';
import { startBatch } from './start-batch.js';
import { START_BATCH_MAX } from './start-queue.js';
import type { StartedRun, StartRunInput } from './start-run.js';

const LANES = 2;

export async function startMany(
  engine: Engine,
  inputs: readonly StartRunInput[],
): Promise<StartedRun[]> {
  const firstOfKey = new Map<string, number>();
  const grouped: number[] = [];
  const plain: number[] = [];
  inputs.forEach((input, index) => {
    const key = input.idempotencyKey;
    if (key !== undefined) {
      if (firstOfKey.has(key)) return;
      firstOfKey.set(key, index);
    }
    (input.graph.concurrency === null ? plain : grouped).push(index);
  });

  const results: StartedRun[] = new Array<StartedRun>(inputs.length);
  const lane = async (chunks: number[][]) => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const { started, after } = await startBatch(
        engine,
        chunk.map((index) => inputs[index]!),
      );
      publish(engine, after);
      chunk.forEach((index, i) => (results[index] = started[i]!));
    }
  };
  const plainChunks = chunked(plain);
  const settled = await Promise.allSettled([
    lane(chunked(grouped)),
    ...Array.from({ length: LANES }, () => lane(plainChunks)),
  ]);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;

  return inputs.map((input, index) => {
    const result = results[index];
    if (result) return result;
    // A repeated key: the run its first start got.
    return { runId: results[firstOfKey.get(input.idempotencyKey!)!]!.runId, created: false };
  });
}

function chunked(indexes: readonly number[]): number[][] {
  const chunks: number[][] = [];
  for (let from = 0; from < indexes.length; from += START_BATCH_MAX)
    chunks.push(indexes.slice(from, from + START_BATCH_MAX));
  return chunks;
}
