/**
 * The entry of a sandbox child process: loads the runner module named on its command line,
 * prepares it with the init the fuzzer sends, then runs one case at a time and answers with the
 * result, the time it took and the case's peak RSS. Whatever a case does to this process (loop
 * forever, exhaust the heap, crash) the fuzzer survives it: it kills and replaces the child.
 */
import { pathToFileURL } from 'node:url';
import { peakRssKb, resetPeakRss } from './memory.js';
import type { FromChild, PrepareRunner, Runner, ToChild } from './protocol.js';

const runnerPath = process.argv[2];
if (runnerPath === undefined || process.send === undefined)
  throw new Error('fuzz/sandbox/child.ts is started by the fuzzer (fork with IPC and a runner)');

const send = (message: FromChild) => process.send!(message);
let runner: Runner | undefined;

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function handle(message: ToChild): Promise<void> {
  if (message.type === 'init') {
    try {
      const module = (await import(pathToFileURL(runnerPath!).href)) as { prepare: PrepareRunner };
      runner = await module.prepare(message.init);
      send({ type: 'ready', info: runner.info ?? null });
    } catch (error) {
      send({ type: 'failed-to-start', error: describe(error) });
    }
    return;
  }
  if (runner === undefined) throw new Error('a case arrived before the runner was ready');
  resetPeakRss();
  const started = performance.now();
  try {
    const result = await runner.run(message.input);
    const ms = performance.now() - started;
    send({ type: 'result', id: message.id, result, ms, peakRssKb: peakRssKb() });
  } catch (error) {
    const ms = performance.now() - started;
    send({ type: 'thrown', id: message.id, error: describe(error), ms, peakRssKb: peakRssKb() });
  }
}

process.on('message', (message: ToChild) => {
  void handle(message);
});
// The fuzzer going away (killed, Ctrl-C) takes its children with it.
process.on('disconnect', () => process.exit(0));
