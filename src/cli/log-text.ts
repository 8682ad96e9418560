/**
 * A log record as a terminal shows it: `12:04:31.207 INFO  POST /api/v1/runs 201 14ms`, or
 * `12:04:33.015 WARN  could not extend leases worker=w-3f2a: connection terminated`. Time (local,
 * to the millisecond), level, the message (for a request: method, URL, status and duration),
 * then the record's own fields as key=value; an error's stack follows, indented, from level
 * error up. Process fields (pid, hostname) and request ids are left out: a terminal shows one
 * process.
 */
import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

const LEVELS: Record<number, { label: string; style: Style }> = {
  10: { label: 'TRACE', style: 'gray' },
  20: { label: 'DEBUG', style: 'gray' },
  30: { label: 'INFO ', style: 'green' },
  40: { label: 'WARN ', style: 'yellow' },
  50: { label: 'ERROR', style: 'red' },
  60: { label: 'FATAL', style: ['bold', 'red'] },
};
const ERROR_LEVEL = 50;

/** Fields said otherwise (time, level, message, the request) or not worth a terminal's width. */
const NOT_SHOWN = new Set([
  'level',
  'time',
  'msg',
  'pid',
  'hostname',
  'reqId',
  'req',
  'res',
  'responseTime',
  'err',
]);

interface LoggedError {
  type?: string;
  message?: string;
  stack?: string;
}

export function textLogLine(record: Record<string, unknown>, color: boolean): string {
  const paint = (style: Style, text: string) =>
    color ? styleText(style, text, { validateStream: false }) : text;
  const level = Number(record.level);
  const known = LEVELS[level] ?? { label: String(record.level).padEnd(5), style: 'white' };
  const parts = [paint('gray', clock(record.time)), paint(known.style, known.label), what(record)];
  for (const [key, value] of Object.entries(record))
    if (!NOT_SHOWN.has(key) && value !== undefined) parts.push(`${key}=${shown(value)}`);
  let line = parts.join(' ');
  const err = record.err as LoggedError | undefined;
  if (err && typeof err === 'object') {
    line += `: ${err.message ?? err.type ?? 'error'}`;
    if (level >= ERROR_LEVEL && err.stack)
      line += '\n' + indent(err.stack.split('\n').slice(1).join('\n'));
  }
  return line + '\n';
}

/** The message; a request's line says the request instead of "request completed". */
function what(record: Record<string, unknown>): string {
  const req = record.req as { method?: string; url?: string } | undefined;
  const res = record.res as { statusCode?: number } | undefined;
  const message = typeof record.msg === 'string' ? record.msg : '';
  if (!req || !res) return message;
  const took =
    typeof record.responseTime === 'number' ? ` ${Math.round(record.responseTime)}ms` : '';
  const request = `${req.method} ${req.url} ${res.statusCode}${took}`;
  return message === 'request completed' ? request : `${message}: ${request}`;
}

function clock(time: unknown): string {
  const at = new Date(typeof time === 'number' ? time : Date.now());
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
}

/** A value as key=value shows it: bare when that is unambiguous, else JSON. */
function shown(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line.trim()}`)
    .join('\n');
}
