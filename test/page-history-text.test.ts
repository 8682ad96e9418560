/**
 * The page's history summaries read as words with spaces (issue 13 §6: "child run4fba3eec"):
 * htm drops whitespace that holds a line break, so the text before a link must end in a space.
 */
import { expect, it } from 'vitest';

// The page is plain JavaScript outside the tests' TypeScript project: imported by a name.
const PAGE_MODULE = '../page/history.js';
const { summary } = (await import(PAGE_MODULE)) as { summary: (event: unknown) => unknown };

/** The text of a vnode tree, as the browser would show it. */
function textOf(node: unknown): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  const props = (node as { props?: { children?: unknown } }).props;
  return textOf(props?.children);
}

const CHILD = '4fba3eec-0000-4000-8000-000000000000';

it.each([
  ['ChildRunStarted', { child_run_id: CHILD }, 'child run 4fba3eec'],
  [
    'ChildRunCompleted',
    { child_run_id: CHILD, status: 'succeeded' },
    'child run 4fba3eec succeeded',
  ],
  ['RunContinuedAsNew', { next_run_id: CHILD }, 'continued as 4fba3eec'],
])('%s: the summary reads as words', (type, data, expected) => {
  const event = { seq: 1, type, node_id: null, attempt: null, at: '2026-12-06T00:00:00Z', data };
  expect(textOf(summary(event))).toBe(expected);
});
