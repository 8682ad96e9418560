/**
 * A reported node's end as Markdown: what a GitHub App check run shows as its summary — the
 * result, how long it took, its attempts, its error in a block of code, and a link to its log
 * on forgeflow's page. Commit statuses have no room for it (one 140-character line).
 */
import type { NodeEndFacts, NodeResult } from '../contracts/report-facts.js';
import { attemptsText, codeSpan, fencedBlock, link, readableDuration } from './markdown.js';

const RESULT: Record<NodeResult, string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  timed_out: '⏱️ timed out',
  canceled: '⚪ canceled',
};

/** Characters of the error the summary shows (a check run's summary holds 65,535). */
const ERROR_MAX = 4_000;

export function nodeSummary(facts: NodeEndFacts): string {
  const lines = [`**Result:** ${RESULT[facts.result] ?? '❔ unknown'}`];
  if (facts.duration_ms !== null)
    lines.push(`**Duration:** ${readableDuration(facts.duration_ms)}`);
  if (facts.attempts > 0)
    lines.push(`**Attempts:** ${attemptsText(facts.attempts, facts.max_attempts)}`);
  const parts = [lines.join('  \n')];
  if (facts.error !== null)
    parts.push(
      `**Error:** ${codeSpan(facts.error.type)}\n${fencedBlock(facts.error.message, ERROR_MAX)}`,
    );
  if (facts.log_url !== undefined) parts.push(link('View the log on forgeflow', facts.log_url));
  return parts.join('\n\n');
}
