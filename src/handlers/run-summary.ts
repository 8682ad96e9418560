/**
 * `forge.run_summary`: the comment forgeflow keeps on a pull/merge request, one per pipeline.
 * A run of a pull request that fails (or times out) posts it, listing its failed nodes; every
 * later run of that pipeline on that pull request edits the same comment (a new push, a
 * retry, a ChatOps re-run), never adding one; a run that passes after a failure turns it into
 * "passes now", and a pull request that never failed gets no comment at all. A comment someone
 * deleted is posted again by the next failure.
 *
 * The runtime queues a run's summary on its report task as it ends (src/webhooks/
 * run-summary-end.ts decides which runs), and a worker calls this handler with it after
 * commit, retrying with backoff; which comment is forgeflow's, and which run it speaks for, is
 * kept in a book (SummaryBook, src/webhooks/run-summaries.ts). Not in the catalog: no
 * pipeline may name it; cli/service.ts adds it with its book.
 */
import { HandlerError } from '../contracts/errors.js';
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { RUN_SUMMARY_HANDLER, type RunSummaryFacts } from '../contracts/report-facts.js';
import type { ForgeClients } from '../forges/clients.js';
import { repoRef } from '../forges/repo-ref.js';
import { runSummaryComment } from '../forges/run-summary-comment.js';
import type { Forge } from '../events/event.js';
import { notConfigured } from './not-configured.js';
import type { Handler } from './types.js';

export const runSummarySpec: HandlerSpec = {
  name: RUN_SUMMARY_HANDLER,
  description:
    "Post or edit forgeflow's comment on a pull/merge request with a run's result (forgeflow's own: queued when a run of a pull request ends).",
  input: { type: 'object', required: ['run_id', 'pipeline', 'status'] },
};

/** Which comment: one per forge, repository, pull request and pipeline. */
export interface SummaryKey {
  forge: Forge;
  repo: string;
  pr: number;
  pipeline: string;
}

/** Which run, in the order runs of a pull request are compared: created, then attempt. */
export interface SummaryRun {
  runId: string;
  createdAt: Date;
  attempt: number;
}

export type SummaryClaim =
  /** A newer run's summary is there already, or a pass with no comment to turn. */
  | { post: false; why: 'stale' | 'never-failed' }
  /** Post (commentId null) or edit forgeflow's comment; the book holds it for this run. */
  | { post: true; commentId: number | null };

export interface SummaryBook {
  /**
   * Takes the pull request's comment for this run's summary, or says there is nothing to do.
   * Throws SummaryBusy (retryable) while another run's summary is being posted there.
   */
  claim(key: SummaryKey, run: SummaryRun, passing: boolean): Promise<SummaryClaim>;
  /** Records the comment this run posted or edited (null: none now) and lets go of it. */
  done(
    key: SummaryKey,
    run: SummaryRun,
    comment: { id: number; url: string | null } | null,
    passing: boolean,
    sha: string | null,
  ): Promise<void>;
}

export interface RunSummaryOutput {
  outcome: 'posted' | 'edited' | 'stale' | 'never-failed' | 'no-pull-request';
  comment_id?: number;
  url?: string | null;
}

export function runSummaryHandler(deps: {
  forges: ForgeClients | null;
  book: SummaryBook;
}): Handler<RunSummaryFacts, RunSummaryOutput> {
  return {
    spec: runSummarySpec,
    async run(summary, context) {
      if (deps.forges === null)
        throw notConfigured(
          `${RUN_SUMMARY_HANDLER} needs a forge client, which forgeflow run has not`,
        );
      const pr = context.event.pr?.number;
      if (pr === undefined) return { outcome: 'no-pull-request' };
      const forge = deps.forges[context.event.forge];
      const repo = repoRef(context.event);
      const key = {
        forge: context.event.forge,
        repo: repo.full_name,
        pr,
        pipeline: summary.pipeline,
      };
      const run = {
        runId: summary.run_id,
        createdAt: new Date(summary.run_created_at),
        attempt: summary.run_attempt,
      };
      if (Number.isNaN(run.createdAt.getTime()))
        throw new HandlerError('InvalidInput', 'a run summary without a valid run_created_at', {
          nonRetryable: true,
        });
      const passing = summary.status === 'succeeded';
      const claim = await deps.book.claim(key, run, passing);
      if (!claim.post) return { outcome: claim.why };
      const body = runSummaryComment(summary);
      const call = { signal: context.signal };
      let comment =
        claim.commentId === null
          ? null
          : await forge.updateComment(repo, pr, claim.commentId, body, call);
      const edited = comment !== null;
      // Deleted by someone: a failure is posted again; a pass has nothing left to turn.
      if (comment === null && !passing) comment = await forge.comment(repo, pr, body, call);
      await deps.book.done(key, run, comment, passing, summary.sha);
      if (comment === null) return { outcome: 'never-failed' };
      return { outcome: edited ? 'edited' : 'posted', comment_id: comment.id, url: comment.url };
    },
  };
}
