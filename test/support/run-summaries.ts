/**
 * A pull request whose run fails gets forgeflow's run summary comment (src/forges/
 * run-summary-comment.ts), posted after the run ends. Tests about other comments (a step's,
 * a ChatOps reply) read the thread without it, so they do not race its post.
 */
export const SUMMARY_MARK = '<!-- forgeflow:run-summary ';

export function withoutSummaries(bodies: readonly string[]): string[] {
  return bodies.filter((body) => !body.startsWith(SUMMARY_MARK));
}
