/**
 * What the Copr and Testing Farm handlers share. A client made on first use, or NotConfigured
 * naming the setting that is missing. And submitting to an external system at most once: what
 * a handler submitted (a Copr build id, a Testing Farm request id) is heartbeated before the
 * handler returns, so the next attempt of a node whose worker died in between finds it in
 * `lastHeartbeatDetails` and resumes from it.
 */
import { notConfigured } from './not-configured.js';
import type { HandlerContext } from './types.js';

/**
 * A factory of one shared client: `missing` names what the settings lack (the NotConfigured
 * message), or null when the client can be made.
 */
export function lazyClient<C>(missing: () => string | null, make: () => C): () => C {
  let client: C | null = null;
  return () => {
    const problem = missing();
    if (problem !== null) throw notConfigured(problem);
    client ??= make();
    return client;
  };
}

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

/**
 * Submits unless an earlier attempt did: `earlier` reads that attempt's heartbeat (null: none),
 * `exists` checks the service still knows it. `record` is what to heartbeat once submitted.
 */
export async function submitOnce<Id>(
  context: HandlerContext,
  handler: string,
  steps: {
    earlier: (details: unknown) => Id | null;
    exists: (id: Id) => Promise<boolean>;
    submit: () => Promise<Id>;
    record: (id: Id) => Record<string, unknown>;
  },
): Promise<Id> {
  const earlier = steps.earlier(context.lastHeartbeatDetails);
  if (earlier !== null && (await steps.exists(earlier))) {
    context.logger.info(
      steps.record(earlier),
      `${handler}: an earlier attempt submitted this; not submitting again`,
    );
    return earlier;
  }
  const id = await steps.submit();
  await recordSubmitted(context, handler, steps.record(id));
  return id;
}
