// Three projects: `unit` (everything that needs no database), and `pglite` and `postgres`,
// which run the same database and runtime tests on each backend (DESIGN.md §5: both run the
// same suite). Postgres is probed once at load time; without it the postgres half is left out
// loudly, except in CI, where a missing server fails the run instead of passing half of it.
import { availableParallelism } from 'node:os';
import pg from 'pg';
import {
  configDefaults,
  defineConfig,
  type TestProjectInlineConfiguration,
  type ViteUserConfig,
} from 'vitest/config';

const DB_TESTS = [
  'test/db/**/*.test.ts',
  'test/runtime/**/*.test.ts',
  'test/webhooks/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/api/**/*.test.ts',
  'test/page/**/*.test.ts',
  'test/replay/replay-runs.test.ts',
];
// Backend-specific files: the lock of PGlite's data directory, pg's reconnects, a restarted server.
const ONLY = {
  pglite: ['test/db/pglite-*.test.ts', 'test/runtime/pglite-*.test.ts'],
  postgres: ['test/db/postgres-*.test.ts', 'test/runtime/postgres-*.test.ts'],
};
const url = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `--project unit` alone needs no server: neither probe nor complain. */
function postgresWanted(argv: readonly string[]): boolean {
  const names = argv.flatMap((arg, i) =>
    arg === '--project' ? [argv[i + 1] ?? ''] : arg.startsWith('--project=') ? [arg.slice(10)] : [],
  );
  return names.length === 0 || names.some((name) => name.includes('*') || name === 'postgres');
}

/** Probes (and complains) once per process: vitest loads this file again for each project. */
async function postgresAvailable(): Promise<boolean> {
  const memo = globalThis as { forgeflowPostgres?: Promise<boolean> };
  return (memo.forgeflowPostgres ??= (async () => {
    if (!postgresWanted(process.argv)) return false;
    if (await reachable(url)) return true;
    if (process.env.CI === 'true')
      throw new Error(`CI requires PostgreSQL at ${url} (set TEST_DATABASE_URL)`);
    process.stderr.write(
      `forgeflow tests: PostgreSQL not reachable at ${url} — the postgres half of the runtime tests is SKIPPED; only PGlite ran\n`,
    );
    return false;
  })());
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const postgres = await postgresAvailable();
  const dbProject = (name: 'pglite' | 'postgres'): TestProjectInlineConfiguration => ({
    extends: true,
    test: {
      name,
      include: DB_TESTS,
      exclude: [...configDefaults.exclude, ...ONLY[name === 'pglite' ? 'postgres' : 'pglite']],
      env: { FORGEFLOW_TEST_DB: name, TEST_DATABASE_URL: url },
      hookTimeout: 60_000,
      ...(name === 'pglite' ? { globalSetup: ['test/support/pglite-global-setup.ts'] } : {}),
    },
  });
  return {
    test: {
      testTimeout: 20_000,
      // Most test files wait on databases, servers and spawned processes rather than the CPU;
      // vitest's default (cores − 1) runs them one at a time on a 2-core machine. Three at a
      // time halves the suite there (913 s → 458 s measured); VITEST_MAX_WORKERS overrides it.
      maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || Math.max(3, availableParallelism() - 1),
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['test/**/*.test.ts'],
            exclude: [...configDefaults.exclude, ...DB_TESTS],
          },
        },
        dbProject('pglite'),
        ...(postgres ? [dbProject('postgres')] : []),
      ],
    },
  };
});
