/**
 * DBOS Transact in the peers bench's main process: creates its system tables in the fresh
 * database (DBOS.migrate, without launching), registers the queue and enqueues workflows with a
 * DBOSClient (what DBOS provides to enqueue from outside the worker), and reads
 * dbos.workflow_status to say when they finished.
 */
import { fileURLToPath } from 'node:url';
import { DBOS, DBOSClient } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { installedVersion, succeededAtLeast, type Peer, type PeerSession } from './peer.js';
import { CONCURRENCY, DBOS_TUNING, START_IN_FLIGHT, type DbosWorkerConfig } from './settings.js';

const WORKER = fileURLToPath(new URL('./dbos-worker.js', import.meta.url));

/** The client's own console logger would print into the bench's output. */
const quiet = { info() {}, debug() {}, warn() {}, error() {} };

async function open(url: string): Promise<PeerSession> {
  await DBOS.migrate(url);
  const client = await DBOSClient.create({
    systemDatabaseUrl: url,
    applicationName: DBOS_TUNING.appName,
    logger: quiet,
  });
  await client.registerQueue(DBOS_TUNING.queue, {
    workerConcurrency: CONCURRENCY,
    minPollingIntervalMs: DBOS_TUNING.minPollingIntervalMs,
  });
  const enqueue = (workflowName: string, arg: unknown) =>
    client.enqueue(
      { queueName: DBOS_TUNING.queue, workflowName, appVersion: DBOS_TUNING.appVersion },
      arg,
    );
  const poll = new pg.Client({ connectionString: url, application_name: 'forgeflow-bench-peers' });
  poll.on('error', () => undefined);
  await poll.connect();
  return {
    async preStart(count) {
      // As forgeflow's starts: a window of enqueues in flight, refilled as each returns.
      let next = 0;
      const lane = async () => {
        while (next < count) await enqueue('one', `t${next++}`);
      };
      await Promise.all(Array.from({ length: Math.min(START_IN_FLIGHT, count) }, lane));
    },
    async startOne(index) {
      const key = `l${index}`;
      await enqueue('one', key);
      return key;
    },
    async startChain(steps) {
      await enqueue('chain', steps);
    },
    finished: (expected) =>
      succeededAtLeast(
        poll,
        `SELECT count(*) FILTER (WHERE status = 'SUCCESS')::int AS ok,
                count(*) FILTER (WHERE status IN ('ERROR', 'CANCELLED', 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'))::int AS bad
           FROM dbos.workflow_status`,
        'DBOS workflows',
        expected,
      ),
    worker: (report) => ({
      file: WORKER,
      config: {
        url,
        concurrency: CONCURRENCY,
        report,
        appName: DBOS_TUNING.appName,
        appVersion: DBOS_TUNING.appVersion,
        queue: DBOS_TUNING.queue,
        minPollingIntervalMs: DBOS_TUNING.minPollingIntervalMs,
        poolSize: DBOS_TUNING.poolSize,
      } satisfies DbosWorkerConfig,
    }),
    async close() {
      await poll.end();
      await client.destroy();
    },
  };
}

export const dbosPeer: Peer = {
  name: 'dbos',
  get version() {
    return installedVersion('@dbos-inc/dbos-sdk');
  },
  open,
};
