/**
 * What `forgeflow run` tells people about its run beside the progress: how to send a signal
 * from another shell, and where to find the run afterwards. Every command printed here works
 * as printed (paths absolute and shell-quoted): the tests run them.
 */
import { resolve } from 'node:path';
import { shellWord } from '../common/shell-words.js';
import type { LocalApi } from './local-api.js';
import { DEFAULT_DATA_DIR } from './settings.js';

/** The command that sends `signal` to the run through the run's own API. */
export function signalCommand(
  api: Pick<LocalApi, 'url' | 'tokenFile'>,
  runId: string,
  signal: string,
): string {
  return `FORGEFLOW_API_TOKEN="$(cat ${shellWord(api.tokenFile)})" forgeflow runs signal ${runId} ${shellWord(signal)} --server ${api.url}`;
}

export function signalHint(
  api: Pick<LocalApi, 'url' | 'tokenFile'>,
  runId: string,
  nodeId: string,
  signal: string,
): string {
  return (
    `${nodeId} waits for signal "${signal}"; to send it from another shell (--payload JSON gives it a value):\n` +
    `  ${signalCommand(api, runId, signal)}\n`
  );
}

/** `forgeflow serve` on the run's data directory, and where its page shows the run. */
export function serveCommand(dataDir: string, runId: string): string {
  const flag = dataDir === DEFAULT_DATA_DIR ? '' : ` --data-dir ${shellWord(resolve(dataDir))}`;
  return `forgeflow serve${flag}, then open http://localhost:8080/runs/${runId}`;
}

/** The run was left canceling: the next server on its data directory ends it. */
export function leftText(
  runId: string,
  dataDir: string,
  why: 'second-signal' | 'not-settled',
  settleMs: number,
): string {
  const because =
    why === 'not-settled' ? ` (its cancel did not settle within ${settleMs / 1000}s)` : '';
  return (
    `run ${runId} left unfinished, canceling, in ${resolve(dataDir)}${because}\n` +
    `to end it and look at it: ${serveCommand(dataDir, runId)}\n`
  );
}
