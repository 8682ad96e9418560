/**
 * The data of the run page, kept live: the run (polled every two seconds while it can still
 * change), its compiled graph (read once: a run never changes graph) and its history (read on
 * from the last event seen, so a long history is fetched once, not on every poll).
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api.js';
import { isActiveRun } from './format.js';
import { usePolling } from './hooks.js';

/** @import { GraphSpec, HistoryEvent, RunDetail } from './types.js' */

const POLL_MS = 2000;
const HISTORY_PAGE = 500;
/** The page keeps at most this many events; the API has them all. */
export const HISTORY_CAP = 5000;

/**
 * @param {string} id
 */
export function useRunData(id) {
  const [run, setRun] = useState(/** @type {RunDetail | null} */ (null));
  const [graph, setGraph] = useState(/** @type {GraphSpec | null} */ (null));
  const [events, setEvents] = useState(/** @type {HistoryEvent[]} */ ([]));
  const [error, setError] = useState(/** @type {Error | null} */ (null));
  const [updatedAt, setUpdatedAt] = useState(0);
  // Refs, not state: the polling callback reads them between renders.
  const lastSeq = useRef(0);
  const kept = useRef(0);
  const hasGraph = useRef(false);
  // One load at a time: a click's refresh and a poll overlapping would read history twice.
  const queue = useRef(Promise.resolve());

  const loadHistory = useCallback(async () => {
    /** @type {HistoryEvent[]} */
    const fresh = [];
    for (;;) {
      if (kept.current + fresh.length >= HISTORY_CAP) break;
      const page = await api.history(id, lastSeq.current, HISTORY_PAGE);
      fresh.push(...page.events);
      lastSeq.current = page.events.at(-1)?.seq ?? lastSeq.current;
      if (page.next_after === null) break;
    }
    if (fresh.length) {
      kept.current += fresh.length;
      setEvents((old) => [...old, ...fresh]);
    }
  }, [id]);

  const load = useCallback(async () => {
    try {
      const detail = await api.run(id);
      if (!hasGraph.current) {
        // A graph the API cannot give is drawn from the nodes' `needs` instead.
        const spec = await api.graph(id).catch(() => null);
        hasGraph.current = spec !== null;
        setGraph(spec);
      }
      await loadHistory();
      setRun(detail);
      setError(null);
      setUpdatedAt(Date.now());
    } catch (e) {
      setError(/** @type {Error} */ (e));
    }
  }, [id, loadHistory]);
  const refresh = useCallback(() => (queue.current = queue.current.then(load)), [load]);

  const live = run === null || isActiveRun(run.status) || run.stopping !== null;
  const gone = error instanceof ApiError && error.status === 404;
  usePolling(refresh, POLL_MS, live && !gone, id);

  return {
    run,
    graph,
    events,
    error,
    updatedAt,
    live,
    refresh,
    capped: kept.current >= HISTORY_CAP,
  };
}
