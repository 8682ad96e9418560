/**
 * The floor under all three systems: pgbench committing one one-row INSERT per transaction
 * (the smallest durable write) in a fresh database of its own, as bench/runtime.ts's baseline
 * does, with 1 client and with 8.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { withFreshDatabase } from './database.js';
import { PGBENCH_SECONDS } from './settings.js';

export interface PgbenchRound {
  clients: number;
  threads: number;
  seconds: number;
  tps: number;
  latency_avg_ms: number | null;
}

/** Runs one pgbench round; throws with pgbench's stderr when it fails or is not installed. */
export function pgbench(clients: number): Promise<PgbenchRound> {
  return withFreshDatabase(async ({ url }) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('CREATE TABLE pgbench_one (v int)');
    } finally {
      await client.end();
    }
    const dir = mkdtempSync(join(tmpdir(), 'ff-bench-peers-'));
    const script = join(dir, 'insert-one.sql');
    writeFileSync(script, 'INSERT INTO pgbench_one(v) VALUES (1);\n');
    // Two threads at most: the machine has two cores, and the systems' workers run one process each.
    const threads = Math.min(clients, 2);
    const args = ['-n', '-c', `${clients}`, '-j', `${threads}`, '-T', `${PGBENCH_SECONDS}`];
    try {
      const { stdout } = await promisify(execFile)('pgbench', [...args, '-f', script, url], {
        timeout: (PGBENCH_SECONDS + 30) * 1000,
      });
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
      if (!tps) throw new Error(`no tps line in pgbench's output:\n${stdout}`);
      const latency = /latency average = ([\d.]+) ms/.exec(stdout);
      return {
        clients,
        threads,
        seconds: PGBENCH_SECONDS,
        tps: Number(tps[1]),
        latency_avg_ms: latency ? Number(latency[1]) : null,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
