/**
 * The Markdown forgeflow writes from hostile text (node names, errors, pipeline names): a
 * check run's summary and the pull request comment. Nothing an attacker writes may open HTML,
 * close a code block, mention anyone or grow a body past the forge's limit.
 */
import { describe, expect, it } from 'vitest';

import type { FailedNodeFacts, RunSummaryFacts } from '../../src/contracts/report-facts.js';
import {
  attemptsText,
  codeSpan,
  fencedBlock,
  inlineText,
  readableDuration,
} from '../../src/forges/markdown.js';
import { nodeSummary } from '../../src/forges/node-summary.js';
import {
  runSummaryComment,
  SUMMARY_BODY_MAX,
  summaryMarker,
} from '../../src/forges/run-summary-comment.js';

const HOSTILE = 'x | y <img src=x onerror=alert(1)> @all `tick` [a](javascript:1)\n# heading';

/** The longest run of backticks in a text. */
function longestTicks(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
}

describe('inline text', () => {
  it('escapes Markdown and HTML, keeps @ from mentioning and stays on one line', () => {
    const text = inlineText(HOSTILE);
    expect(text).not.toMatch(/\n/);
    expect(text).not.toMatch(/(^|[^\\])[<>|`[\]]/);
    expect(text).not.toMatch(/@all/);
    expect(text).toContain('@\u2060all');
  });

  it('is bounded', () => {
    expect(Array.from(inlineText('a'.repeat(10_000), 50))).toHaveLength(50);
  });
});

describe('code spans and blocks', () => {
  it('a code span is fenced by more backticks than it holds', () => {
    const span = codeSpan('a ``` b ` c');
    expect(span).toBe('```` a ``` b ` c ````');
    expect(codeSpan('two\nlines')).toBe('` two lines `');
  });

  it('a fenced block cannot be closed from inside, and is bounded', () => {
    const hostile = 'ok\n```\n<script>alert(1)</script>\n``````\n@all';
    const block = fencedBlock(hostile);
    const lines = block.split('\n');
    const fence = lines[0]!.replace(/text$/, '');
    expect(fence.length).toBe(7);
    expect(lines.at(-1)).toBe(fence);
    expect(longestTicks(lines.slice(1, -1).join('\n'))).toBeLessThan(fence.length);
    const long = fencedBlock('y'.repeat(100_000), 2_000);
    expect(long.length).toBeLessThan(2_020);
    const many = fencedBlock(Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n'));
    expect(many.split('\n').length).toBeLessThanOrEqual(43);
  });
});

describe('durations and attempts', () => {
  it('reads as people read them', () => {
    expect(readableDuration(72_000)).toBe('1m 12s');
    expect(readableDuration(850)).toBe('850 ms');
    expect(readableDuration(7_500_000)).toBe('2h 5m');
    expect(readableDuration(3_000)).toBe('3s');
    expect(readableDuration(Number.NaN)).toBe('unknown');
    expect(attemptsText(2, 3)).toBe('2 of 3');
    expect(attemptsText(4, null)).toBe('4');
  });
});

describe("a check run's summary", () => {
  it('shows the result, duration, attempts, the error in a block and the log link', () => {
    const summary = nodeSummary({
      result: 'failed',
      duration_ms: 72_000,
      attempts: 2,
      max_attempts: 3,
      error: { type: 'ExitCode', message: 'exit 1\n```\n</details><b>@all</b>' },
      log_url: 'http://forgeflow.test/runs/r1?node=build%5Bx%5D',
    });
    expect(summary).toContain('**Result:** ❌ failed');
    expect(summary).toContain('**Duration:** 1m 12s');
    expect(summary).toContain('**Attempts:** 2 of 3');
    expect(summary).toContain('**Error:** ` ExitCode `\n````text\nexit 1\n```\n</details>');
    expect(summary).toContain(
      '[View the log on forgeflow](<http://forgeflow.test/runs/r1?node=build%5Bx%5D>)',
    );
  });

  it('leaves out what a node that never ran has not', () => {
    const summary = nodeSummary({
      result: 'succeeded',
      duration_ms: null,
      attempts: 0,
      max_attempts: null,
      error: null,
    });
    expect(summary).toBe('**Result:** ✅ succeeded');
  });
});

function failedNode(i: number, name = `build[${i}]`): FailedNodeFacts {
  return {
    node: name,
    result: 'failed',
    attempts: 3,
    error: { type: 'ExitCode', message: `exit code 1 on ${i}\nsecond line` },
    log_url: `http://forgeflow.test/runs/r1?node=${encodeURIComponent(name)}`,
  };
}

function summary(over: Partial<RunSummaryFacts> = {}): RunSummaryFacts {
  return {
    run_id: '0190a6f2-7b1c-4d3e-9f00-aaaaaaaaaaaa',
    pipeline: 'ci',
    status: 'failed',
    error: null,
    run_created_at: '2026-12-07T06:00:00.000Z',
    run_attempt: 1,
    sha: 'c'.repeat(40),
    run_url: 'http://forgeflow.test/runs/0190a6f2-7b1c-4d3e-9f00-aaaaaaaaaaaa',
    failed: [failedNode(1)],
    failed_count: 1,
    ...over,
  };
}

describe('the pull request comment', () => {
  it('lists the failed nodes with the first line of their error, attempts and log', () => {
    const body = runSummaryComment(summary());
    expect(body.split('\n')[0]).toBe('<!-- forgeflow:run-summary pipeline=ci -->');
    expect(body).toContain('### ❌ ` ci ` failed');
    expect(body).toContain(
      '- ` build[1] ` failed after 3 attempts: ` ExitCode ` exit code 1 on 1 · [log](<http://forgeflow.test/runs/r1?node=build%5B1%5D>)',
    );
    expect(body).not.toContain('second line');
    expect(body).toContain('on ` cccccccccccc `');
  });

  it("lists at most 20 nodes and counts the rest, within GitHub's limit", () => {
    const huge = 'e'.repeat(50_000);
    const nodes = Array.from({ length: 20 }, (_, i) => ({
      ...failedNode(i, `n${i}${'`'.repeat(3)}${'z'.repeat(500)}`),
      error: { type: 'T'.repeat(500), message: huge },
    }));
    const body = runSummaryComment(summary({ failed: nodes, failed_count: 57 }));
    expect(body.match(/^- /gm)).toHaveLength(21);
    expect(body).toContain('- … and 37 more');
    expect(Array.from(body).length).toBeLessThanOrEqual(SUMMARY_BODY_MAX);
    expect(body.length).toBeLessThan(40_000);
  });

  it('neutralizes hostile node and pipeline names and errors', () => {
    const body = runSummaryComment(
      summary({
        pipeline: 'ci --> <script>',
        failed: [
          {
            ...failedNode(1, HOSTILE),
            error: { type: '<b>', message: '@all please look | <img src=x>' },
          },
        ],
      }),
    );
    expect(body.split('\n')[0]).toBe(
      '<!-- forgeflow:run-summary pipeline=ci%20--%3E%20%3Cscript%3E -->',
    );
    expect(summaryMarker('a\n-->b')).not.toMatch(/-->b|\n/);
    expect(body).not.toMatch(/@all/);
    // Outside code spans, no raw HTML is left.
    const outsideCode = body
      .split('\n')
      .slice(1)
      .join('\n')
      .replace(/(`+) .*? \1/g, '');
    expect(outsideCode).not.toMatch(/(^|[^\\])<(?!sub>|\/sub>|http)/m);
    expect(outsideCode).toContain('\\<img');
  });

  it('a timed-out run without failed nodes says why', () => {
    const body = runSummaryComment(
      summary({
        status: 'timed_out',
        failed: [],
        failed_count: 0,
        error: { type: 'Timeout', message: 'its timeout (1h) passed' },
      }),
    );
    expect(body).toContain('### ❌ ` ci ` timed out');
    expect(body).toContain('` Timeout ` its timeout \\(1h\\) passed');
  });

  it('a pass after a failure says it passes now, at which commit', () => {
    const body = runSummaryComment(
      summary({ status: 'succeeded', failed: [], failed_count: 0, sha: 'd'.repeat(40) }),
    );
    expect(body).toContain('### ✅ ` ci ` passes now');
    expect(body).toContain('on ` dddddddddddd ` succeeded');
    expect(body.split('\n')[0]).toBe('<!-- forgeflow:run-summary pipeline=ci -->');
  });
});
