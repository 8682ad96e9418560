/**
 * The chaos suite's activity, as an operator's handlers file (`forgeflow worker --handlers
 * chaos/recording-handlers.js`): plain JavaScript, loaded by the real CLI with no loader.
 *
 * `chaos.step` records every EXECUTION in an append-only ledger, one JSON line when it starts and
 * one when its work is done (just before it returns), so the checker counts what really ran, not
 * what the runtime's tables say ran. Each process writes its own file (CHAOS_LEDGER_DIR/<pid>.jsonl)
 * with appendFileSync: the line is in the kernel before the step goes on, so a SIGKILL loses
 * none, and a Postgres restart cannot lose it either (no database write).
 *
 * The work is a wait of about `work_ms` (varied per run and node by a hash, so the same run ids
 * give the same waits) that ends early when the attempt is aborted; `fail_attempts: n` fails the
 * first n attempts with a retryable error.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** FNV-1a of a text, as a fraction in [0, 1). @param {string} text */
function fraction(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 0x1_0000_0000;
}

/** @param {number} ms @param {AbortSignal} signal */
function wait(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve(undefined)), {
      once: true,
    });
  });
}

/** @param {{ HandlerError: { custom(type: string, message: string): Error } }} tools */
export default function chaosHandlers({ HandlerError }) {
  // Read when a step runs: the suite loads this file for the specs alone, to compile with.
  /** @param {Record<string, unknown>} entry */
  const write = (entry) => {
    const dir = process.env.CHAOS_LEDGER_DIR;
    if (!dir) throw new Error('CHAOS_LEDGER_DIR is not set: chaos.step has no ledger to write');
    const line = JSON.stringify({ ...entry, pid: process.pid, t: Date.now() });
    appendFileSync(join(dir, `${process.pid}.jsonl`), line + '\n');
  };
  return [
    {
      spec: {
        name: 'chaos.step',
        description: 'Waits, records each execution in the ledger (chaos suite only).',
        input: {
          type: 'object',
          properties: {
            work_ms: { type: 'integer', minimum: 0 },
            fail_attempts: { type: 'integer', minimum: 0 },
          },
          required: ['work_ms'],
          additionalProperties: false,
        },
      },
      /**
       * @param {{ work_ms: number, fail_attempts?: number }} input
       * @param {{ runId: string, nodeId: string, attempt: number, signal: AbortSignal }} context
       */
      async run(input, context) {
        const { runId: run, nodeId: node, attempt, signal } = context;
        write({ run, node, attempt, phase: 'start' });
        const ms = Math.round(input.work_ms * (0.5 + fraction(`${run}/${node}/${attempt}`)));
        await wait(ms, signal);
        if (signal.aborted)
          throw HandlerError.custom('Aborted', `aborted: ${String(signal.reason)}`);
        if (attempt <= (input.fail_attempts ?? 0))
          throw HandlerError.custom('Flaky', `fails attempt ${attempt} on purpose`);
        write({ run, node, attempt, phase: 'done' });
        return { ms };
      },
    },
  ];
}
