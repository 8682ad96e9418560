/**
 * `checkout:` asks for the repository in an `exec` step's working directory, so it belongs on
 * `uses: exec` jobs only; and exec's `checkout` input is what the compiler makes of it from the
 * event, never something `with:` may write (it would name another repository or commit).
 */
import { type CheckContext, dict, jobsOf } from './context.js';

export function checkCheckout(ctx: CheckContext, pipeline: unknown): void {
  for (const [id, job] of jobsOf(pipeline)) {
    if (job.checkout !== undefined && job.checkout !== false && job.uses !== 'exec')
      ctx.report(
        ['jobs', id, 'checkout'],
        'job-kind',
        `"checkout" applies only to a job with "uses: exec" (job "${id}")`,
        'key',
      );
    if (job.uses === 'exec' && dict(job.with).checkout !== undefined)
      ctx.report(
        ['jobs', id, 'with', 'checkout'],
        'input',
        `exec's "checkout" is made from the event; ask for it with the job key "checkout: true" (job "${id}")`,
        'key',
      );
  }
}
