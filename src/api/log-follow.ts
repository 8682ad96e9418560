/**
 * Following a node's log as Server-Sent Events: new lines as they are stored (woken by NOTIFY
 * on forgeflow_logs, with a short poll as the fallback PGlite and lost notifications need), a
 * keepalive comment while nothing happens, and an `end` event once the node is finished and
 * every line was sent — or once the stream reached its maximum duration (the client then asks
 * again from the last id, as EventSource does by itself). A client that goes away ends it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/db.js';
import type { Clock } from '../runtime/clock.js';
import { nodeState, readLog } from '../runtime/logs/read.js';
import { LOG_CHANNEL } from '../runtime/logs/store.js';

export interface FollowLimits {
  /** Between keepalive comments when no line came. */
  keepaliveMs: number;
  /** How often the node's state and log are read when no notification came. */
  pollMs: number;
  /** The longest one stream stays open. */
  maxMs: number;
}

export const FOLLOW_LIMITS: FollowLimits = {
  keepaliveMs: 15_000,
  pollMs: 1_000,
  maxMs: 30 * 60_000,
};

const PAGE = 500;

export async function followLog(
  deps: { db: Db; clock: Clock; limits?: FollowLimits },
  request: FastifyRequest,
  reply: FastifyReply,
  where: { runId: string; nodeId: string; after: number; attempt?: number },
): Promise<void> {
  const limits = deps.limits ?? FOLLOW_LIMITS;
  const { clock, db } = deps;
  const gone = new AbortController();
  let wake = new AbortController();
  const unlisten = await db.listen(LOG_CHANNEL, (runId) => {
    if (runId === where.runId) wake.abort();
  });
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  request.raw.socket.on('close', () => gone.abort());
  out.on('close', () => gone.abort());
  const write = async (text: string): Promise<void> => {
    if (gone.signal.aborted) return;
    // A slow reader holds the stream, not the server's memory.
    if (!out.write(text))
      await new Promise<void>((resolve) => {
        out.once('drain', resolve);
        gone.signal.addEventListener('abort', () => resolve(), { once: true });
      });
  };
  const endAt = clock.now() + limits.maxMs;
  let after = where.after;
  let lastSent = clock.now();
  try {
    for (;;) {
      if (gone.signal.aborted) return;
      // The state first: lines are stored before a node's end, so once it is seen finished,
      // reading on to the end gives every line.
      const state = await nodeState(db, where.runId, where.nodeId);
      for (let more = true; more && !gone.signal.aborted;) {
        const page = await readLog(db, where.runId, where.nodeId, {
          after,
          limit: PAGE,
          ...(where.attempt !== undefined ? { attempt: where.attempt } : {}),
        });
        for (const line of page.lines)
          await write(`event: line\nid: ${line.n}\ndata: ${JSON.stringify(line)}\n\n`);
        if (page.lines.length > 0) lastSent = clock.now();
        after = page.lines.at(-1)?.n ?? after;
        more = page.more;
      }
      const finished = state?.finished ?? true;
      if (finished || clock.now() >= endAt) {
        const end = { node_status: state?.status ?? null, finished, next_after: after };
        await write(`event: end\ndata: ${JSON.stringify(end)}\n\n`);
        return;
      }
      if (clock.now() - lastSent >= limits.keepaliveMs) {
        await write(': keepalive\n\n');
        lastSent = clock.now();
      }
      const wait = Math.min(limits.pollMs, endAt - clock.now(), limits.keepaliveMs);
      await clock.sleep(wait, AbortSignal.any([wake.signal, gone.signal]));
      wake = new AbortController();
    }
  } finally {
    await unlisten();
    out.end();
  }
}
