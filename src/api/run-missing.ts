/**
 * The answer for a run id the runs table does not hold: 410 RUN_PRUNED when retention deleted
 * it (its tombstone says how it ended and when it went), 404 RUN_NOT_FOUND otherwise.
 */
import type { FastifyReply } from 'fastify';
import { sendProblem } from '../contracts/problems.js';
import { prunedRun } from '../runtime/tombstones.js';
import type { ApiDeps } from './deps.js';

export async function sendRunMissing(
  deps: Pick<ApiDeps, 'db'>,
  reply: FastifyReply,
  id: string,
): Promise<FastifyReply> {
  const gone = await prunedRun(deps.db, id);
  if (!gone) return sendProblem(reply, 'RUN_NOT_FOUND', `no run ${id}`);
  const finished = gone.finished_at.toISOString();
  const pruned = gone.pruned_at.toISOString();
  return sendProblem(
    reply,
    'RUN_PRUNED',
    `run ${id} ended ${gone.status} at ${finished} and was deleted at ${pruned}, past the server's retention`,
    {
      run: {
        id: gone.id,
        pipeline: gone.pipeline,
        repo: gone.repo,
        trigger: gone.trigger,
        status: gone.status,
        created_at: gone.created_at.toISOString(),
        finished_at: finished,
        pruned_at: pruned,
      },
    },
  );
}
