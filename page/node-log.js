/**
 * A node's log in its panel, live: the lines stored so far and then each new one as the server
 * streams it (GET …/logs?follow=true, Server-Sent Events read through fetch so a read token can
 * go along), until the node ends. ANSI colours are drawn by ansi_up, which escapes HTML first:
 * a program's output is text, never markup. It scrolls with new lines unless the reader
 * scrolled up; a gap in the line numbers says how many lines the size limit dropped.
 */
import { AnsiUp } from 'ansi_up';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { storedToken } from './token.js';

/** Lines kept on the page at most: the newest. */
const SHOWN = 5000;
/** Between two attempts to follow again after the stream broke. */
const RETRY_MS = 2000;

/**
 * @typedef {{ n: number, attempt: number, stream: 'stdout' | 'stderr' | 'system', at: string, text: string }} LogLine
 * @typedef {{ key: string, n: number, stream: string, html: string, gap: number }} ShownLine
 */

/**
 * Calls `onEvent` for each event of a Server-Sent Events body.
 * @param {ReadableStream<Uint8Array>} body
 * @param {(event: string, data: string) => void} onEvent
 */
async function readEvents(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (!block.startsWith(':')) onEvent(event, data);
    }
  }
}

/**
 * @param {string} text
 * @returns {unknown}
 */
const parseJson = (text) => JSON.parse(text);

/** @param {{ runId: string, nodeId: string }} props */
export function NodeLog({ runId, nodeId }) {
  const [lines, setLines] = useState(/** @type {ShownLine[]} */ ([]));
  const [state, setState] = useState(
    /** @type {'loading' | 'live' | 'ended' | 'broken'} */ ('loading'),
  );
  const box = useRef(/** @type {HTMLPreElement | null} */ (null));
  const stick = useRef(true);

  useEffect(() => {
    setLines([]);
    setState('loading');
    const stop = new AbortController();
    const ansi = new AnsiUp();
    ansi.escape_html = true;
    let after = 0;
    const url = `/api/v1/runs/${runId}/nodes/${encodeURIComponent(nodeId)}/logs?follow=true`;
    /**
     * Shows one event; true for the end of a finished node's log.
     * @param {string} event @param {string} data
     */
    const onEvent = (event, data) => {
      if (event === 'line') {
        const line = /** @type {LogLine} */ (parseJson(data));
        const gap = line.n - after - 1;
        after = line.n;
        const shown = {
          key: String(line.n),
          n: line.n,
          stream: line.stream,
          html: ansi.ansi_to_html(line.text),
          gap,
        };
        setLines((old) => [...old.slice(-(SHOWN - 1)), shown]);
        setState('live');
      } else if (event === 'end') {
        const end = /** @type {{ finished: boolean }} */ (parseJson(data));
        if (end.finished) setState('ended');
        return end.finished;
      }
      return false;
    };
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const token = storedToken();
          const response = await fetch(url, {
            headers: {
              accept: 'text/event-stream',
              'last-event-id': String(after),
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            signal: stop.signal,
          });
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          let ended = false;
          await readEvents(response.body, (event, data) => {
            ended ||= onEvent(event, data);
          });
          if (ended) return;
        } catch {
          if (stop.signal.aborted) return;
          setState('broken');
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    })();
    return () => stop.abort();
  }, [runId, nodeId]);

  // New lines scroll into view unless the reader scrolled up to read.
  useEffect(() => {
    const element = box.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  const onScroll = () => {
    const element = box.current;
    if (element)
      stick.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 8;
  };

  const status = { loading: 'loading…', live: 'live', ended: 'ended', broken: 'reconnecting…' }[
    state
  ];
  return html`<div class="node-log-wrap">
    <div class="muted small node-log-state" data-state=${state}>${status}</div>
    ${
      lines.length === 0 && state !== 'loading' && state !== 'live'
        ? html`<p class="muted small">no lines</p>`
        : html`<pre class="node-log" ref=${box} onScroll=${onScroll}>${lines.map(
            (
              line,
            ) => html`${line.gap > 0 ? html`<div class="log-gap muted" key=${`gap${line.key}`}>… ${line.gap} lines dropped</div>` : null}<div
                class=${`log-line log-${line.stream}`}
                key=${line.key}
                data-n=${line.n}
                dangerouslySetInnerHTML=${{ __html: line.html }}
              ></div>`,
          )}</pre>`
    }
  </div>`;
}
