/**
 * Submitting to an external system at most once: what a handler submitted (a Copr build id, a
 * Testing Farm request id) is heartbeated before the handler returns, so the next attempt of a
 * node whose worker died in between finds it in `lastHeartbeatDetails` and resumes from it.
 */
import type { HandlerContext } from './types.js';

export async function recordSubmitted(
  context: HandlerContext,
  handler: string,
  details: Record<string, unknown>,
): Promise<void> {
  try {
    await context.heartbeat(details);
  } catch (error) {
    // The submission exists either way; the handler's output still names it.
    context.logger.warn({ err: error, ...details }, `${handler}: heartbeat failed`);
  }
  context.logger.info(details, `${handler}: submitted`);
}
