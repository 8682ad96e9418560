/**
 * The one comment forgeflow keeps on a pull/merge request per pipeline, as Markdown: a failed
 * run lists its failed nodes (name, first line of the error, attempts, a link to the log); a
 * later run that passes turns it into "passes now". A hidden marker names the pipeline, so a
 * reader (or a later tool) can tell forgeflow's comment apart; forgeflow itself finds its
 * comment by the id it stored, never by searching for the marker, which anyone could copy.
 */
import type { FailedNodeFacts, RunSummaryFacts } from '../contracts/report-facts.js';
import { codeSpan, inlineText, link, oneLine } from './markdown.js';
import { truncate } from './text.js';

/** GitHub's limit for a comment body (GitLab's is larger). */
export const SUMMARY_BODY_MAX = 65_536;

/**
 * The hidden first line: the pipeline's name URL-encoded, so no `>` (nor a line break) can end
 * the HTML comment early.
 */
export function summaryMarker(pipeline: string): string {
  return `<!-- forgeflow:run-summary pipeline=${encodeURIComponent(oneLine(pipeline, 200))} -->`;
}

export function runSummaryComment(summary: RunSummaryFacts): string {
  const body = summary.status === 'succeeded' ? passingBody(summary) : failingBody(summary);
  return truncate(`${summaryMarker(summary.pipeline)}\n${body}`, SUMMARY_BODY_MAX);
}

function failingBody(summary: RunSummaryFacts): string {
  const how = summary.status === 'timed_out' ? 'timed out' : 'failed';
  const count = summary.failed_count;
  const lines = [
    `### ❌ ${codeSpan(summary.pipeline)} ${how}`,
    '',
    `${runLink(summary)}${onCommit(summary)} ${how}${
      count === 0 ? '.' : `, with ${count === 1 ? '1 failed node' : `${count} failed nodes`}:`
    }`,
  ];
  if (summary.error !== null && count === 0)
    lines.push(
      '',
      `${codeSpan(summary.error.type, 100)} ${inlineText(firstLine(summary.error.message))}`,
    );
  if (summary.failed.length > 0) {
    lines.push('', ...summary.failed.map(nodeLine));
    const more = count - summary.failed.length;
    if (more > 0) lines.push(`- … and ${more} more (${link('see the run', summary.run_url)})`);
  }
  lines.push('', footer(summary));
  return lines.join('\n');
}

function passingBody(summary: RunSummaryFacts): string {
  return [
    `### ✅ ${codeSpan(summary.pipeline)} passes now`,
    '',
    `${runLink(summary)}${onCommit(summary)} succeeded; an earlier run had failed.`,
    '',
    footer(summary),
  ].join('\n');
}

function nodeLine(node: FailedNodeFacts): string {
  const how = node.result === 'timed_out' ? 'timed out' : 'failed';
  const tries = node.attempts > 1 ? ` after ${node.attempts} attempts` : '';
  const error =
    node.error === null
      ? ''
      : `: ${codeSpan(node.error.type, 100)} ${inlineText(firstLine(node.error.message))}`;
  return `- ${codeSpan(node.node)} ${how}${tries}${error} · ${link('log', node.log_url)}`;
}

function runLink(summary: RunSummaryFacts): string {
  const attempt = summary.run_attempt > 1 ? ` (attempt ${summary.run_attempt})` : '';
  return `${link(`Run ${summary.run_id.slice(0, 8)}`, summary.run_url)}${attempt}`;
}

function onCommit(summary: RunSummaryFacts): string {
  return summary.sha === null ? '' : ` on ${codeSpan(summary.sha.slice(0, 12), 12)}`;
}

function footer(summary: RunSummaryFacts): string {
  return `<sub>forgeflow edits this comment on each run of ${codeSpan(summary.pipeline)} here.</sub>`;
}

function firstLine(message: string): string {
  return (message.split(/\r?\n/).find((line) => line.trim() !== '') ?? '').trim();
}
