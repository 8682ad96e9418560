/**
 * Records the replay fixtures (test/fixtures/replay/, README there): each case of
 * test/replay/cases/ compiled and run on a fresh in-memory PGlite with a fake clock, and its
 * config, event, graph and normalized histories written to its folder. Run after a deliberate
 * change of the graph or history format, then read the diff:
 *
 *   npx tsx scripts/record-replays.ts [CASE…]
 *
 * Recording twice gives the same files: a diff after re-recording unchanged code is a bug.
 */
import { isDeepStrictEqual } from 'node:util';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite.js';
import { caseGraph } from '../test/replay/case.js';
import { REPLAY_CASES } from '../test/replay/cases/index.js';
import { writeStoredCase } from '../test/replay/fixture-files.js';
import { playCase } from '../test/replay/play.js';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !REPLAY_CASES.some((c) => c.name === name));
if (unknown.length > 0) {
  console.error(
    `no replay case ${unknown.join(', ')}; the cases: ${REPLAY_CASES.map((c) => c.name).join(', ')}`,
  );
  process.exit(2);
}

const db = await openPglite();
try {
  await migrate(db);
  for (const replayCase of REPLAY_CASES) {
    if (wanted.length > 0 && !wanted.includes(replayCase.name)) continue;
    const event = replayCase.event();
    const graph = caseGraph(replayCase, replayCase.config, event);
    const played = await playCase(db, replayCase, graph, event);
    // The runtime keeps the graph it was given (jsonb reorders its keys, which the file keeps).
    if (!isDeepStrictEqual(played.graph, graph))
      throw new Error(`${replayCase.name}: the stored graph differs from the one started`);
    writeStoredCase(replayCase, { config: replayCase.config, event, graph, runs: played.runs });
    const events = played.runs.reduce((n, r) => n + r.events.length, 0);
    console.log(`${replayCase.name}: ${played.runs.length} runs, ${events} events`);
  }
} finally {
  await db.close();
}
