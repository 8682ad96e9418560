/**
 * The logger of `serve` and `worker`: pino at LOG_LEVEL, writing JSON lines (what log collectors
 * read) unless it writes to a terminal, where each record is one readable line (log-text.ts).
 * `--log-format text|json` or FORGEFLOW_LOG_FORMAT overrides the guess either way.
 */
import pino, { type Logger } from 'pino';
import { UsageError } from './io.js';
import { textLogLine } from './log-text.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where the log goes: stdout in the service, a capturing stream in tests. */
export interface LogOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** `--log-format` / FORGEFLOW_LOG_FORMAT; null (not set): decided by the output. */
export function readLogFormat(value: string | null): LogFormat | null {
  if (value === null) return null;
  if (!LOG_FORMATS.includes(value as LogFormat))
    throw new UsageError(
      `--log-format / FORGEFLOW_LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}; got "${value}"`,
    );
  return value as LogFormat;
}

export function chooseLogFormat(setting: LogFormat | null, out: LogOutput): LogFormat {
  return setting ?? (out.isTTY ? 'text' : 'json');
}

export function serviceLogger(
  settings: { logLevel: string; logFormat: LogFormat | null },
  out: LogOutput = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Logger {
  const options = { level: settings.logLevel };
  if (chooseLogFormat(settings.logFormat, out) === 'json') return pino(options, out);
  const color = Boolean(out.isTTY) && !env.NO_COLOR;
  // pino hands its destination each record as one JSON line.
  return pino(options, {
    write: (line: string) =>
      out.write(textLogLine(JSON.parse(line) as Record<string, unknown>, color)),
  });
}
