/** `on:` — which events start a pipeline, with GitHub Actions' filter names in snake_case. */
import Type, { type Static } from 'typebox';
import { COMMENT_COMMAND_PATTERN } from '../../contracts/comment-commands.js';
import { RELEASE_ACTIONS } from '../../contracts/release-actions.js';
import { TRIGGER_NAMES } from '../../contracts/triggers.js';
import { SCHEDULE_LIMITS } from '../limits.js';
import { StringList } from './common.js';
import { InputsSchema } from './inputs.js';

/** Actions in GitHub's words; GitLab's merge-request actions are translated to these. */
export const PULL_REQUEST_ACTIONS = [
  'opened',
  'synchronize',
  'reopened',
  'closed',
  'edited',
  'labeled',
  'unlabeled',
  'assigned',
  'unassigned',
  'review_requested',
  'review_request_removed',
  'ready_for_review',
  'converted_to_draft',
  'locked',
  'unlocked',
  'auto_merge_enabled',
  'auto_merge_disabled',
  'enqueued',
  'dequeued',
  'milestoned',
  'demilestoned',
  'approved',
  'unapproved',
  'approval',
  'unapproval',
] as const;
export const COMMENT_ACTIONS = ['created', 'edited', 'deleted'] as const;

const ActionList = (actions: readonly string[], description: string) =>
  Type.Array(Type.Enum([...actions]), { description });

const branches = StringList(
  'Branch globs (`main`, `release/*`, `**`); a leading `!` excludes. For pull requests, the target (base) branch.',
);
const branchesIgnore = StringList('Branch globs that must not match.');
const paths = StringList(
  "Changed-file globs; at least one changed file must match. Pushes carry their changed files; a pull request's are read from the forge's API (a renamed file counts with both paths). When they cannot be known whole (a push past the forge's commit cap, a pull request of 3,000 files or more), the filter is not applied and the run starts.",
);
const pathsIgnore = StringList(
  'Changed-file globs; the event matches unless every changed file matches one of these.',
);

export const PullRequestTriggerSchema = Type.Object(
  {
    types: Type.Optional(
      ActionList(
        PULL_REQUEST_ACTIONS,
        'Actions that start the pipeline: opened, synchronize, reopened, closed, edited, labeled, unlabeled, … Default: opened, synchronize, reopened.',
      ),
    ),
    branches: Type.Optional(branches),
    branches_ignore: Type.Optional(branchesIgnore),
    paths: Type.Optional(paths),
    paths_ignore: Type.Optional(pathsIgnore),
    labels: Type.Optional(StringList('The pull request must carry at least one of these labels.')),
    drafts: Type.Optional(
      Type.Boolean({
        description: 'Whether draft pull requests start the pipeline. Default true.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Pull requests (GitHub) and merge requests (GitLab).',
  },
);

export const PushTriggerSchema = Type.Object(
  {
    branches: Type.Optional(branches),
    branches_ignore: Type.Optional(branchesIgnore),
    tags: Type.Optional(StringList('Tag globs (`v*`); a leading `!` excludes.')),
    tags_ignore: Type.Optional(StringList('Tag globs that must not match.')),
    paths: Type.Optional(paths),
    paths_ignore: Type.Optional(pathsIgnore),
  },
  {
    additionalProperties: false,
    description:
      'Pushes of branches and tags. With only `branches`, tag pushes do not match; with only `tags`, branch pushes do not.',
  },
);

export const ReleaseTriggerSchema = Type.Object(
  {
    types: Type.Optional(
      ActionList(
        RELEASE_ACTIONS,
        "Release actions, in GitHub's words on both forges: published, created, released, prereleased, edited, deleted, unpublished. GitLab's `create` counts as published, created and released (prereleased for an upcoming release); `update` is edited, `delete` is deleted. Default: all.",
      ),
    ),
  },
  { additionalProperties: false, description: 'Releases.' },
);

export const CommentTriggerSchema = Type.Object(
  {
    commands: Type.Array(Type.String({ pattern: COMMENT_COMMAND_PATTERN }), {
      minItems: 1,
      description:
        'ChatOps commands, each a slash command (`/ci retest`): a comment on a pull/merge request whose first line starts with one of them starts the pipeline.',
    }),
    types: Type.Optional(ActionList(COMMENT_ACTIONS, 'Comment actions. Default: created.')),
  },
  { additionalProperties: false, description: 'Comments on pull/merge requests (ChatOps).' },
);

export const ManualTriggerSchema = Type.Object(
  { inputs: Type.Optional(InputsSchema) },
  {
    additionalProperties: false,
    description: 'Runs started through the API, the CLI or the page, with optional inputs.',
  },
);

/** `on.schedule`; checks/schedules.ts checks what the schema cannot (limits.ts has the bounds). */
export const ScheduleTriggerSchema = Type.Array(
  Type.Object(
    {
      cron: Type.String({
        maxLength: SCHEDULE_LIMITS.maxCronChars,
        description:
          'A five-field cron expression (minute hour day-of-month month day-of-week), as GitHub Actions reads it; at most once every 5 minutes.',
      }),
      timezone: Type.Optional(
        Type.String({
          maxLength: SCHEDULE_LIMITS.maxTimezoneChars,
          description:
            'The IANA time zone the expression is read in (`Europe/Prague`). Default: UTC.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  {
    minItems: 1,
    maxItems: SCHEDULE_LIMITS.maxSchedules,
    description:
      "Cron schedules, learned from the default branch's config; each due time fires once, and after downtime at most one catch-up run.",
  },
);

/** `pull_request:` with nothing after it means "with the default filters". */
const orNull = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema], {
    description: (schema as { description?: string }).description,
  });

export const TriggerMapSchema = Type.Object(
  {
    pull_request: Type.Optional(orNull(PullRequestTriggerSchema)),
    push: Type.Optional(orNull(PushTriggerSchema)),
    release: Type.Optional(orNull(ReleaseTriggerSchema)),
    comment: Type.Optional(CommentTriggerSchema),
    manual: Type.Optional(orNull(ManualTriggerSchema)),
    schedule: Type.Optional(ScheduleTriggerSchema),
  },
  { additionalProperties: false },
);

// One `enum` rather than a union of five constants: ajv reports a wrong item once, not six
// times, which matters when a hostile `on:` lists 25,000 of them. The `type` tells the union
// of `on:` that this branch is the string one (union-errors.ts picks branches by type).
export const TriggerNameSchema = Type.Enum([...TRIGGER_NAMES], {
  type: 'string',
  description: 'A trigger: pull_request, push, release, comment, manual or schedule.',
});

export const OnSchema = Type.Union(
  [TriggerNameSchema, Type.Array(TriggerNameSchema), TriggerMapSchema],
  {
    description:
      'Which events start this pipeline: a trigger name, a list of them, or a mapping from trigger to its filters.',
  },
);

export type TriggerMap = Static<typeof TriggerMapSchema>;
export type PullRequestTrigger = Static<typeof PullRequestTriggerSchema>;
export type PushTrigger = Static<typeof PushTriggerSchema>;
export type ReleaseTrigger = Static<typeof ReleaseTriggerSchema>;
export type CommentTrigger = Static<typeof CommentTriggerSchema>;
export type ScheduleTrigger = Static<typeof ScheduleTriggerSchema>;
export type OnConfig = Static<typeof OnSchema>;
