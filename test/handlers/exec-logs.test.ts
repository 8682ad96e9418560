/**
 * exec's live log (issue 16): a program's stdout and stderr reach context.log line by line while
 * it runs (in the namespace sandbox and without it), after a `$ command` line; lines are cut at
 * newlines whatever the chunks (a UTF-8 character split between two reads included), and
 * hostile output (invalid UTF-8, NULs, a 10 MB line without a newline, CRLF, ANSI) becomes
 * bounded text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogStream } from '../../src/contracts/node-log.js';
import { execHandler } from '../../src/handlers/exec.js';
import { LineSplitter, MAX_SPLIT_LINE_CHARS } from '../../src/handlers/line-splitter.js';
import { defaultSandboxSettings, type SandboxMode } from '../../src/handlers/sandbox/settings.js';
import { testContext } from './context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-exec-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODES: SandboxMode[] = ['namespaces', 'none'];

describe.each(MODES)('exec streams its output (%s)', (mode) => {
  const execSandbox = defaultSandboxSettings({ mode, workspaceRoot: path.join(dir, mode) });

  it('gives each line to the log while the program is still running', async () => {
    const { context, lines } = testContext({ execSandbox });
    const arrived: Record<string, number> = {};
    const log = context.log;
    context.log = {
      line: (stream: LogStream, text: string) => {
        log.line(stream, text);
        arrived[text] = performance.now();
      },
    };
    // The program's own pause, not the test's: "one" must be logged long before it ends.
    await execHandler.run(
      { shell: 'echo one; echo two >&2; sleep 0.6; printf three', env: { A: 'b c' } },
      context,
    );
    const ended = performance.now();
    expect(lines).toEqual([
      { stream: 'system', text: '$ echo one; echo two >&2; sleep 0.6; printf three' },
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'two' },
      { stream: 'stdout', text: 'three' },
    ]);
    expect(ended - arrived.one!).toBeGreaterThan(400);
  });

  it('turns hostile output into bounded lines', async () => {
    const { context, lines } = testContext({ execSandbox });
    await execHandler.run(
      {
        command: [
          'sh',
          '-c',
          String.raw`printf 'bad \377\376 utf8\n'; printf 'nul\000here\r\n'; printf '\033[32mgreen\033[0m\n'; head -c 10485760 /dev/zero | tr '\0' y`,
        ],
      },
      context,
    );
    expect(lines.slice(1)).toEqual([
      { stream: 'stdout', text: 'bad \ufffd\ufffd utf8' },
      { stream: 'stdout', text: 'nul\u0000here\r' },
      { stream: 'stdout', text: '\u001b[32mgreen\u001b[0m' },
      {
        stream: 'stdout',
        text: `${'y'.repeat(MAX_SPLIT_LINE_CHARS)} … [${10485760 - MAX_SPLIT_LINE_CHARS} more characters cut]`,
      },
    ]);
  });
});

describe('LineSplitter', () => {
  it('joins a character and a line split between chunks, and ends the last line', () => {
    const out: string[] = [];
    const splitter = new LineSplitter((line) => out.push(line), 8);
    const euro = Buffer.from('€'); // three bytes
    splitter.push(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
    splitter.push(Buffer.concat([euro.subarray(1), Buffer.from('b\n\nlong line here\nend')]));
    splitter.finish();
    expect(out).toEqual(['a€b', '', 'long lin … [6 more characters cut]', 'end']);
  });
});
