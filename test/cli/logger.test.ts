/**
 * The service's log: JSON lines unless it writes to a terminal, where every record is one
 * readable line (time, level, message, its fields); `--log-format` / FORGEFLOW_LOG_FORMAT
 * decide either way. The stream is injected: a terminal is a stream that says `isTTY`.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { textLogLine } from '../../src/cli/log-text.js';
import { chooseLogFormat, serviceLogger, type LogOutput } from '../../src/cli/logger.js';
import { readSettings } from '../../src/cli/settings.js';

function output(isTTY: boolean): LogOutput & { lines: string[] } {
  const lines: string[] = [];
  return { isTTY, lines, write: (text: string) => lines.push(text) };
}

/** 12:34:56.789 local time on the day of the test: only hours and minutes depend on the zone. */
const AT = new Date(2026, 4, 5, 12, 34, 56, 789).getTime();

describe('the log format', () => {
  it('is text on a terminal and JSON elsewhere, unless set', () => {
    expect(chooseLogFormat(null, output(true))).toBe('text');
    expect(chooseLogFormat(null, output(false))).toBe('json');
    expect(chooseLogFormat('json', output(true))).toBe('json');
    expect(chooseLogFormat('text', output(false))).toBe('text');
  });

  it('comes from --log-format, else FORGEFLOW_LOG_FORMAT; anything else is a usage error', () => {
    expect(readSettings({}, {}).logFormat).toBeNull();
    expect(readSettings({ FORGEFLOW_LOG_FORMAT: 'json' }, {}).logFormat).toBe('json');
    expect(readSettings({ FORGEFLOW_LOG_FORMAT: 'json' }, { 'log-format': 'text' }).logFormat).toBe(
      'text',
    );
    expect(() => readSettings({}, { 'log-format': 'pretty' })).toThrow(UsageError);
    expect(() => readSettings({ FORGEFLOW_LOG_FORMAT: 'xml' }, {})).toThrow(
      '--log-format / FORGEFLOW_LOG_FORMAT must be text or json; got "xml"',
    );
  });
});

describe('the service logger', () => {
  it('writes JSON lines when not on a terminal', () => {
    const out = output(false);
    serviceLogger({ logLevel: 'info', logFormat: null }, out).info({ worker: 'w-1' }, 'started');
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level: 30, msg: 'started', worker: 'w-1' });
  });

  it('writes one readable line per record on a terminal, coloured unless NO_COLOR', () => {
    const plain = output(true);
    const logger = serviceLogger({ logLevel: 'info', logFormat: null }, plain, { NO_COLOR: '1' });
    logger.info({ worker: 'w-1', busy: 2 }, 'worker started');
    logger.debug('not at info');
    expect(plain.lines).toHaveLength(1);
    expect(plain.lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}worker started worker=w-1 busy=2\n$/,
    );

    const coloured = output(true);
    serviceLogger({ logLevel: 'info', logFormat: null }, coloured, {}).warn('careful');
    expect(coloured.lines[0]).toContain('\u001b[33mWARN \u001b[39m careful');
  });

  it('keeps the level it is given', () => {
    const out = output(true);
    const logger = serviceLogger({ logLevel: 'debug', logFormat: 'text' }, out, {});
    logger.debug('shown at debug');
    expect(out.lines).toHaveLength(1);
  });
});

describe('a text log line', () => {
  it('says a request as method, URL, status and duration', () => {
    const line = textLogLine(
      {
        level: 30,
        time: AT,
        pid: 7,
        hostname: 'box',
        reqId: 'req-1',
        req: { method: 'POST', url: '/webhooks/github', host: 'localhost', remoteAddress: '::1' },
        res: { statusCode: 202 },
        responseTime: 12.6,
        msg: 'request completed',
      },
      false,
    );
    expect(line).toMatch(/^\d\d:\d\d:56\.789 INFO {2}POST \/webhooks\/github 202 13ms\n$/);
  });

  it('quotes values with spaces, shows objects as JSON, and an error with its stack from error up', () => {
    const err = {
      type: 'Error',
      message: 'PGlite is closed',
      stack: 'Error: PGlite is closed\n    at query (db.ts:1:1)\n    at run (x.ts:2:2)',
    };
    const line = textLogLine(
      {
        level: 50,
        time: AT,
        req: { method: 'GET', url: '/api/v1/runs' },
        res: { statusCode: 500 },
        responseTime: 3,
        err,
        msg: 'request completed',
      },
      false,
    );
    expect(line.split('\n')).toEqual([
      expect.stringMatching(/ ERROR GET \/api\/v1\/runs 500 3ms: PGlite is closed$/),
      '    at query (db.ts:1:1)',
      '    at run (x.ts:2:2)',
      '',
    ]);
    const warning = textLogLine(
      { level: 40, time: AT, msg: 'lease lost', note: 'two words', ids: [1, 2], err },
      false,
    );
    expect(warning).toMatch(
      / WARN {2}lease lost note="two words" ids=\[1,2\]: PGlite is closed\n$/,
    );
  });
});
