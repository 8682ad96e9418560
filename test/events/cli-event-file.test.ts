/**
 * `forgeflow plan/run --event FILE` reads its payload through the same rules as webhooks and
 * the API (they meet in normalizeEvent): a NUL or half an emoji becomes U+FFFD, a pull request
 * number PostgreSQL cannot hold or a file nested 100,000 deep is refused with a reason, never
 * a crash or a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { readEvent } from '../../src/cli/read-event.js';
import type { Io } from '../../src/cli/io.js';
import { githubExample } from '../support/webhook-payloads.js';

function ioWith(text: string): Io {
  return { out: () => undefined, err: () => undefined, color: false, readFile: () => text };
}

const pullRequest = (change: (pr: Record<string, unknown>) => void): string => {
  const payload = githubExample('pull_request', 'opened');
  change(payload.pull_request as Record<string, unknown>);
  return JSON.stringify(payload);
};

describe('an event file', () => {
  it('with a NUL and half an emoji in the title: the event holds U+FFFD', () => {
    const text = pullRequest((pr) => (pr.title = 'fix\u0000 \ud83d'));
    const event = readEvent(ioWith(text), 'event.json', undefined, 'pull_request');
    expect(typeof event === 'string' ? event : event.pr?.title).toBe('fix\ufffd \ufffd');
  });

  it('with a pull request number past int4: refused, saying which field', () => {
    const text = pullRequest((pr) => (pr.number = 2 ** 31));
    expect(readEvent(ioWith(text), 'event.json', undefined, 'pull_request')).toMatch(
      /pull_request\.number is 2147483648/,
    );
  });

  it('nested 100,000 deep: refused, saying how deep is allowed', () => {
    const text = pullRequest((pr) => (pr.title = 'x')).replace(
      /^\{/,
      `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`,
    );
    expect(readEvent(ioWith(text), 'event.json', undefined, 'pull_request')).toMatch(
      /nested deeper than 64 levels/,
    );
  });
});
