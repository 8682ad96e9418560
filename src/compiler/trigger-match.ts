/**
 * Does this event start this pipeline? Each declared trigger either matches or says why not,
 * so `forgeflow plan` can explain an event that starts nothing.
 */
import type { Event, EventKind } from '../events/event.js';
import { matchesAny, matchesPatterns } from './globs.js';
import type {
  CommentTrigger,
  OnConfig,
  PullRequestTrigger,
  PushTrigger,
  ReleaseTrigger,
  ScheduleTrigger,
  TriggerMap,
} from './schema/triggers.js';
import type { RunTriggerName, TriggerName } from '../contracts/triggers.js';
import { DEFAULT_TIMEZONE } from '../contracts/schedules.js';
import { gitlabReleaseWord, releaseActionWords } from '../contracts/release-actions.js';

export interface TriggerMiss {
  trigger: RunTriggerName;
  reason: string;
}

export type TriggerResult =
  | { matched: true; trigger: TriggerName; note?: string }
  | { matched: false; misses: TriggerMiss[] };

/** The pipeline trigger each event kind is (a pushed tag is a push; a Re-run is none). */
export const TRIGGER_OF_KIND: Record<EventKind, RunTriggerName> = {
  pull_request: 'pull_request',
  push: 'push',
  tag: 'push',
  release: 'release',
  comment: 'comment',
  manual: 'manual',
  schedule: 'schedule',
  rerun: 'rerun',
};

/** A graph's `trigger`: the event in the graph's words. */
export function graphTrigger(event: Event): {
  name: RunTriggerName;
  forge: Event['forge'];
  kind: EventKind;
  action: string | null;
} {
  return {
    name: TRIGGER_OF_KIND[event.kind],
    forge: event.forge,
    kind: event.kind,
    action: event.action,
  };
}

export const DEFAULT_PULL_REQUEST_TYPES = ['opened', 'synchronize', 'reopened'];

/** `on: push` and `on: [push, pull_request]` mean the mapping form with default filters. */
export function normalizeOn(on: OnConfig): TriggerMap {
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name) => [name, null]));
  return on;
}

type Check = string | undefined; // a reason for missing, or undefined for a match

export function matchTriggers(on: OnConfig, event: Event): TriggerResult {
  const triggers = normalizeOn(on);
  const wanted = TRIGGER_OF_KIND[event.kind];
  if (wanted === 'rerun')
    return {
      matched: false,
      misses: [
        {
          trigger: wanted,
          reason: 'a Re-run starts no pipeline: it retries the failed nodes of the runs it names',
        },
      ],
    };
  const misses: TriggerMiss[] = [];
  for (const name of Object.keys(triggers) as TriggerName[]) {
    if (name !== wanted) {
      misses.push({
        trigger: name,
        reason: `the event is ${describeKind(event)}, not ${article(name)}`,
      });
      continue;
    }
    const reason = checkTrigger(name, triggers[name] ?? {}, event);
    if (reason === undefined) {
      const note =
        needsPaths(name, triggers[name] ?? {}) && event.changed_paths === null
          ? 'the forge did not send the changed files, so the paths filter was not applied'
          : undefined;
      return note ? { matched: true, trigger: name, note } : { matched: true, trigger: name };
    }
    misses.push({ trigger: name, reason });
  }
  if (!(wanted in triggers))
    misses.push({ trigger: wanted, reason: `the pipeline has no ${wanted} trigger` });
  return { matched: false, misses };
}

function checkTrigger(name: TriggerName, filter: object, event: Event): Check {
  switch (name) {
    case 'pull_request':
      return checkPullRequest(filter, event);
    case 'push':
      return checkPush(filter, event);
    case 'release':
      return checkRelease(filter, event);
    case 'comment':
      return checkComment(filter as CommentTrigger, event);
    case 'manual':
      return undefined;
    case 'schedule':
      return checkSchedule(filter as ScheduleTrigger, event);
  }
}

/** A firing starts only the pipelines that declare its very cron (and time zone). */
function checkSchedule(filter: ScheduleTrigger, event: Event): Check {
  const fired = event.schedule;
  if (!fired) return 'the event names no cron that fired';
  const declared = Array.isArray(filter) ? filter : [];
  return declared.some(
    (s) => s.cron === fired.cron && (s.timezone ?? DEFAULT_TIMEZONE) === fired.timezone,
  )
    ? undefined
    : `the pipeline declares no schedule "${fired.cron}" in ${fired.timezone}`;
}

function checkPullRequest(filter: PullRequestTrigger, event: Event): Check {
  return (
    checkTypes(filter.types, event.action, DEFAULT_PULL_REQUEST_TYPES) ??
    checkRef('branch', event.branch, filter.branches, filter.branches_ignore, 'target branch') ??
    (filter.labels && !event.pr?.labels.some((l) => filter.labels!.includes(l))
      ? `the pull request has none of the labels ${filter.labels.join(', ')}`
      : undefined) ??
    (filter.drafts === false && event.pr?.draft
      ? 'the pull request is a draft and drafts: false'
      : undefined) ??
    checkPaths(filter, event)
  );
}

function checkPush(filter: PushTrigger, event: Event): Check {
  const onlyTags = filter.tags !== undefined || filter.tags_ignore !== undefined;
  const onlyBranches = filter.branches !== undefined || filter.branches_ignore !== undefined;
  if (event.deleted)
    return `the push deleted ${event.kind === 'tag' ? 'tag' : 'branch'} "${event.tag ?? event.branch ?? ''}"`;
  if (event.kind === 'tag') {
    if (event.action === 'created')
      return "GitHub's create event carries no commit; tag pipelines start from the tag's push event";
    if (onlyBranches && !onlyTags)
      return `the push is of tag "${event.tag}", and the trigger lists only branches`;
    return checkRef('tag', event.tag, filter.tags, filter.tags_ignore, 'tag');
  }
  if (onlyTags && !onlyBranches)
    return `the push is to branch "${event.branch}", and the trigger lists only tags`;
  return (
    checkRef('branch', event.branch, filter.branches, filter.branches_ignore, 'branch') ??
    checkPaths(filter, event)
  );
}

function checkComment(filter: CommentTrigger, event: Event): Check {
  const typeMiss = checkTypes(filter.types, event.action, ['created']);
  if (typeMiss) return typeMiss;
  const firstLine = (event.comment?.body ?? '').trim().split(/\r?\n/)[0]?.trim() ?? '';
  const command = filter.commands.find((c) => firstLine === c || firstLine.startsWith(`${c} `));
  return command
    ? undefined
    : `the comment does not start with ${filter.commands.map((c) => `"${c}"`).join(' or ')}`;
}

/** GitLab's one `create` counts as every word GitHub sends for a release published at once. */
function checkRelease(filter: ReleaseTrigger, event: Event): Check {
  const words = releaseActionWords(event.forge, event.action, event.release?.prerelease ?? false);
  if (!filter.types || words.some((word) => filter.types!.includes(word))) return undefined;
  const miss = checkTypes(filter.types, event.action, undefined);
  const raw = event.forge === 'gitlab' ? gitlabReleaseWord(event.action) : undefined;
  return raw === undefined ? miss : `${miss} (GitLab's "${raw}" counts as ${words.join(', ')})`;
}

function checkTypes(
  types: readonly string[] | undefined,
  action: string | null,
  defaults: readonly string[] | undefined,
): Check {
  const allowed = types ?? defaults;
  if (!allowed || (action !== null && allowed.includes(action))) return undefined;
  return `action "${action ?? 'none'}" is not one of ${allowed.join(', ')}${types ? '' : ' (the default types)'}`;
}

function checkRef(
  what: string,
  value: string | null,
  include: readonly string[] | undefined,
  ignore: readonly string[] | undefined,
  label: string,
): Check {
  if (include === undefined && ignore === undefined) return undefined;
  if (value === null) return `the event names no ${what}`;
  if (include !== undefined && !matchesPatterns(value, include))
    return `${label} "${value}" does not match ${include.join(', ')}`;
  if (ignore !== undefined && matchesAny(value, ignore))
    return `${label} "${value}" matches the ignored ${ignore.join(', ')}`;
  return undefined;
}

/**
 * Whether the event's pull_request trigger has a `paths`/`paths_ignore` filter that the event
 * cannot be held to, for want of its changed files (no forge sends a pull request's). The plan
 * step asks the forge for them then, and only then: a pipeline without such a filter costs no
 * API call. Pushes carry theirs (or cannot be asked: null stays null).
 */
export function needsChangedPaths(on: OnConfig, event: Event): boolean {
  if (event.kind !== 'pull_request' || event.changed_paths !== null) return false;
  const filter = normalizeOn(on).pull_request;
  return filter !== undefined && filter !== null && needsPaths('pull_request', filter);
}

function needsPaths(name: TriggerName, filter: object): boolean {
  return (
    (name === 'push' || name === 'pull_request') && ('paths' in filter || 'paths_ignore' in filter)
  );
}

function checkPaths(filter: { paths?: string[]; paths_ignore?: string[] }, event: Event): Check {
  const changed = event.changed_paths;
  if (changed === null) return undefined; // unknown: run, as GitHub Actions does when it cannot tell
  if (filter.paths && !changed.some((path) => matchesPatterns(path, filter.paths!))) {
    return `no changed file matches ${filter.paths.join(', ')}`;
  }
  if (
    filter.paths_ignore &&
    changed.length > 0 &&
    changed.every((path) => matchesAny(path, filter.paths_ignore!))
  ) {
    return `every changed file matches the ignored ${filter.paths_ignore.join(', ')}`;
  }
  return undefined;
}

function describeKind(event: Event): string {
  const action = event.action ? ` (${event.action})` : '';
  return `${article(event.kind)}${action}`;
}

function article(name: string): string {
  if (name === 'manual') return 'a manual start';
  if (name === 'schedule') return 'a scheduled firing';
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}
