/**
 * Runs as text for a terminal: the table of `forgeflow runs list`, one run as `runs show` prints
 * it (header, fields, nodes, errors with their stderr, child runs), and a run's history as
 * `runs history` prints it. Colour only where io says so (tables.ts).
 */
import type { Static } from 'typebox';
import type {
  ErrorInfoSchema,
  HistorySchema,
  RunDetailSchema,
  RunListSchema,
} from '../api/schemas.js';
import type { Event } from '../events/event.js';
import { paint, type Io } from './io.js';
import {
  fields,
  formatMs,
  paintStatus,
  relativeTime,
  shortId,
  shortSha,
  statusCell,
  table,
  timeAndAgo,
  type Cell,
} from './tables.js';

export type RunList = Static<typeof RunListSchema>;
export type RunSummary = RunList['runs'][number];
export type RunDetail = Static<typeof RunDetailSchema>;
export type History = Static<typeof HistorySchema>;
export type HistoryEntry = History['events'][number];
type ErrorInfo = Static<typeof ErrorInfoSchema>;

export function formatRunList(io: Io, runs: readonly RunSummary[], now = Date.now()): string {
  if (runs.length === 0) return 'no runs\n';
  return table(
    io,
    [
      { header: 'ID' },
      { header: 'STATUS' },
      { header: 'PIPELINE', max: 24, min: 8 },
      { header: 'REPO', max: 32, min: 10 },
      { header: 'TRIGGER', max: 20, min: 7 },
      { header: 'COMMIT' },
      { header: 'STARTED', align: 'right' },
      { header: 'DURATION', align: 'right' },
    ],
    runs.map((run) => [
      shortId(run.id),
      statusCell(run.status),
      run.pipeline,
      run.repo,
      run.pr === null ? run.trigger : `${run.trigger} #${run.pr}`,
      shortSha(run.sha),
      run.started_at === null ? '' : relativeTime(run.started_at, now),
      run.duration_ms === null ? '' : formatMs(run.duration_ms),
    ]),
  );
}

export function formatRun(io: Io, run: RunDetail, now = Date.now()): string {
  const head =
    `run ${run.id}  ${paintStatus(io, run.status)}` +
    (run.attempt > 1 ? ` (attempt ${run.attempt})` : '') +
    // Only while it is stopping: an ended run keeps the mark, but its status says it all.
    (run.stopping && run.finished_at === null
      ? paint(io, 'yellow', `  stopping: will end ${run.stopping}`)
      : '') +
    '\n';
  const when = (iso: string | null) => (iso === null ? '-' : timeAndAgo(iso, now));
  const entries: [string, string][] = [
    ['pipeline', run.pipeline],
    ['repo', run.repo],
    ['event', describeEvent(run.event as Partial<Event> | null, run.trigger)],
    ['commit', run.sha ?? '-'],
    ['created', when(run.created_at)],
    ['started', when(run.started_at)],
    ['finished', when(run.finished_at)],
  ];
  if (run.duration_ms !== null)
    entries.push(['duration', formatMs(run.duration_ms) + (run.finished_at ? '' : ' so far')]);
  if (run.deadline_at !== null) entries.push(['deadline', when(run.deadline_at)]);
  if (run.concurrency_group !== null) entries.push(['concurrency', run.concurrency_group]);
  if (run.parent !== null)
    entries.push(['parent', `${run.parent.run_id} (node ${run.parent.node_id})`]);
  entries.push(['nodes', describeStatuses(run.node_list)]);
  entries.push([
    'history',
    `${run.history_length} events (forgeflow runs history ${shortId(run.id)})`,
  ]);
  if (run.error !== null) entries.push(['error', describeError(run.error)]);
  let text = head + fields(io, entries);

  text +=
    '\n' +
    table(
      io,
      [
        { header: 'NODE', max: 32, min: 8 },
        { header: 'WHAT', max: 16, min: 4 },
        { header: 'STATUS' },
        { header: 'ATTEMPTS', align: 'right' },
        { header: 'DURATION', align: 'right' },
        { header: 'ERROR', min: 5 },
      ],
      run.node_list.map((node): Cell[] => [
        node.id,
        node.handler ?? node.kind,
        statusCell(node.status),
        node.attempt > 0 ? String(node.attempt) : '',
        node.duration_ms === null ? '' : formatMs(node.duration_ms),
        node.error === null ? '' : { text: node.error.type, style: 'red' },
      ]),
    );
  const errors = run.node_list.flatMap((node) =>
    node.error === null ? [] : [formatNodeError(io, node.id, node.error)],
  );
  if (errors.length > 0) text += '\nerrors\n' + errors.join('');
  if (run.children.length > 0)
    text +=
      '\nchild runs\n' +
      table(
        io,
        [
          { header: 'ID' },
          { header: 'NODE', max: 32 },
          { header: 'STATUS' },
          { header: 'CREATED', align: 'right' },
          { header: 'FINISHED', align: 'right' },
        ],
        run.children.map((child) => [
          child.id,
          child.node_id,
          statusCell(child.status),
          relativeTime(child.created_at, now),
          child.finished_at === null ? '' : relativeTime(child.finished_at, now),
        ]),
      );
  return text;
}

/** How many nodes are in each state, named (the list's summary lumps the rest as "other"). */
function describeStatuses(nodes: readonly { status: string }[]): string {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
  const rank = (status: string) => {
    const at = STATUS_ORDER.indexOf(status);
    return at === -1 ? STATUS_ORDER.length : at;
  };
  const parts = [...counts]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([status, count]) => `${count} ${status.replace('_', ' ')}`);
  return `${nodes.length}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

const STATUS_ORDER = [
  'succeeded',
  'running',
  'waiting',
  'failed',
  'timed_out',
  'canceled',
  'skipped',
  'pending',
];

function describeEvent(event: Partial<Event> | null, trigger: string): string {
  if (event === null || typeof event !== 'object') return trigger;
  const parts = [event.forge, event.kind, event.action];
  const pr = event.pr;
  if (pr)
    parts.push(
      `#${pr.number} "${pr.title}"`,
      pr.head_ref && pr.base_ref ? `(${pr.head_ref} → ${pr.base_ref})` : '',
    );
  else if (event.tag) parts.push(`tag ${event.tag}`);
  else if (event.branch) parts.push(`branch ${event.branch}`);
  if (event.sender?.login) parts.push(`by ${event.sender.login}`);
  return parts.filter(Boolean).join(' ') || trigger;
}

function describeError(error: ErrorInfo): string {
  return `${error.type}: ${error.message}`;
}

/** A node's error in full, with the last 10 lines of each text its details carry (stderr_tail). */
function formatNodeError(io: Io, nodeId: string, error: ErrorInfo): string {
  const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
  const texts = Object.entries(details).flatMap(([name, value]) =>
    typeof value !== 'string' || value.trim() === ''
      ? []
      : [
          `    ${name}:`,
          ...value
            .trimEnd()
            .split('\n')
            .slice(-10)
            .map((line) => `      ${line}`),
        ],
  );
  return [`  ${nodeId}: ${paint(io, 'red', describeError(error))}`, ...texts].join('\n') + '\n';
}

export function formatHistory(io: Io, id: string, events: readonly HistoryEntry[]): string {
  if (events.length === 0) return `run ${id}: no history events here\n`;
  // Times of day, unless the events span more than one day.
  const oneDay = new Set(events.map((e) => e.at.slice(0, 10))).size === 1;
  const time = (at: string) => (oneDay ? at.slice(11, 23) : at.slice(0, 23).replace('T', ' '));
  const head = `run ${id}: events ${events[0]!.seq}–${events.at(-1)!.seq}, times UTC${oneDay ? ` on ${events[0]!.at.slice(0, 10)}` : ''}\n`;
  return (
    head +
    table(
      io,
      [
        { header: 'SEQ', align: 'right' },
        { header: 'TIME' },
        { header: 'TYPE', min: 10 },
        { header: 'NODE', max: 24, min: 6 },
        { header: 'DETAIL', min: 10 },
      ],
      events.map((e) => [
        String(e.seq),
        time(e.at),
        { text: e.type, style: typeStyle(e.type) },
        e.node_id === null ? '' : `${e.node_id}${e.attempt !== null ? ` #${e.attempt}` : ''}`,
        summarize(e),
      ]),
    )
  );
}

function typeStyle(type: string): Parameters<typeof paint>[1] | undefined {
  if (/Failed|TimedOut/.test(type)) return 'red';
  if (/Completed$/.test(type)) return 'green';
  if (/Cancel|Retry|Retried/.test(type)) return 'yellow';
  return undefined;
}

/** One line of an event's data: its error first, then its fields as `name=value`, lists last. */
export function summarize(event: HistoryEntry): string {
  const { error, ...rest } = (event.data ?? {}) as { error?: ErrorInfo } & Record<string, unknown>;
  const fields = Object.entries(rest)
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([, a], [, b]) => Number(typeof a === 'object') - Number(typeof b === 'object'))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : compact(value)}`);
  return [error ? describeError(error) : '', ...fields].filter(Boolean).join(' ');
}

/** JSON on one line, cut short: a table cell cuts it further. */
export function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
