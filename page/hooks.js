/** Hooks for live data: polling that never overlaps itself, and a ticking clock. */
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Calls `tick` now, then `ms` after each call settles, while `active`; skips while the tab is
 * hidden and catches up when it shows again. Changing `key` starts over at once.
 * @param {() => Promise<void>} tick
 * @param {number} ms
 * @param {boolean} active
 * @param {unknown} [key]
 */
export function usePolling(tick, ms, active, key) {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    let stopped = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const run = async () => {
      timer = undefined;
      if (stopped) return;
      if (document.visibilityState !== 'hidden') {
        try {
          await latest.current();
        } catch {
          // the view shows its own errors; keep polling
        }
      }
      if (!stopped) timer = setTimeout(() => void run(), ms);
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible' && timer !== undefined) {
        clearTimeout(timer);
        void run();
      }
    };
    void run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [active, ms, key]);
}

/** The time now, updated every `ms` (for relative times and running durations). */
export function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
