/**
 * A payload file without its headers (`forgeflow plan --event payload.json`): which forge sent
 * it and which event it is. Each forge's adapter recognizes its own payloads; the one that
 * marks no payload (GitHub) takes what the others do not.
 */
import type { Forge } from '../events/event.js';
import { forgeAdapters } from './adapters.js';
import { isRecord } from './payload-readers.js';

export interface DetectedEvent {
  forge: Forge;
  /** `X-GitHub-Event` or `X-Gitlab-Event` as the forge would have sent it, or null when unknown. */
  eventName: string | null;
}

export function detectEvent(payload: unknown): DetectedEvent {
  const record = isRecord(payload) ? payload : {};
  const adapters = forgeAdapters();
  for (const adapter of adapters.filter((a) => !a.detectsAnything)) {
    const found = adapter.detect(record);
    if (found) return { forge: adapter.forge, ...found };
  }
  const fallback = adapters.find((a) => a.detectsAnything)!;
  return { forge: fallback.forge, eventName: fallback.detect(record)?.eventName ?? null };
}
