/**
 * graphile-worker in the peers bench's main process: migrates the fresh database with its
 * WorkerUtils, adds jobs (pre-added ones through its batch `addJobs`), and reads its jobs table
 * to say when they finished: a completed job is deleted, so finished means the table is empty.
 */
import { fileURLToPath } from 'node:url';
import { Logger, makeWorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { installedVersion, type Peer, type PeerSession } from './peer.js';
import { CONCURRENCY, GRAPHILE_TUNING, type GraphileWorkerConfig } from './settings.js';

const WORKER = fileURLToPath(new URL('./graphile-worker.js', import.meta.url));
const ADD_BATCH = 1_000;

/** WorkerUtils logs to the console by default; the bench's output is the table. */
const quiet = new Logger(() => () => undefined);

async function open(url: string): Promise<PeerSession> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: quiet });
  await utils.migrate();
  const poll = new pg.Client({ connectionString: url, application_name: 'forgeflow-bench-peers' });
  poll.on('error', () => undefined);
  await poll.connect();
  return {
    async preStart(count) {
      for (let added = 0; added < count; added += ADD_BATCH) {
        const n = Math.min(ADD_BATCH, count - added);
        await utils.addJobs(Array.from({ length: n }, () => ({ identifier: 'noop', payload: {} })));
      }
    },
    async startOne(index) {
      const key = `l${index}`;
      await utils.addJob('noop', { key });
      return key;
    },
    async startChain(steps) {
      // Each job adds the next from inside its task (graphile-worker.ts).
      await utils.addJob('chain', { step: 1, steps });
    },
    async finished() {
      const { rows } = await poll.query<{ left: number; failed: number }>(
        `SELECT count(*)::int AS left, count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failed
           FROM graphile_worker._private_jobs`,
      );
      const { left, failed } = rows[0]!;
      if (failed > 0) throw new Error(`graphile-worker: ${failed} jobs failed`);
      return left === 0;
    },
    worker: (report) => ({
      file: WORKER,
      config: {
        url,
        concurrency: CONCURRENCY,
        report,
        ...GRAPHILE_TUNING,
      } satisfies GraphileWorkerConfig,
    }),
    async close() {
      await poll.end();
      await utils.release();
    },
  };
}

export const graphilePeer: Peer = {
  name: 'graphile-worker',
  get version() {
    return installedVersion('graphile-worker');
  },
  open,
};
