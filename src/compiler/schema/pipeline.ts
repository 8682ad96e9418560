/** The whole of pipeline.yaml v1 (DESIGN.md §2): the single source of the schema and its types. */
import Type, { type Static } from 'typebox';
import { Duration, EnvMap, JOB_ID_PATTERN } from './common.js';
import { JobSchema } from './job.js';
import { RetryPolicySchema, timeoutFields } from './policy.js';
import { OnSchema } from './triggers.js';

export const SCHEMA_ID = 'https://forgeflow.dev/schemas/pipeline.schema.json';

export const PipelineSchema = Type.Object(
  {
    version: Type.Literal(1, { description: 'The language version: 1.' }),
    name: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
        maxLength: 100,
        description: 'The pipeline name. Default: the file name.',
      }),
    ),
    on: OnSchema,
    env: Type.Optional(
      EnvMap('Variables for every job, read as `${{ env.NAME }}` and passed to `exec`.'),
    ),
    defaults: Type.Optional(
      Type.Object(
        { retry: Type.Optional(RetryPolicySchema), ...timeoutFields },
        {
          additionalProperties: false,
          description: 'Retry policy and timeouts for every job that does not set its own.',
        },
      ),
    ),
    concurrency: Type.Optional(
      Type.Union(
        [
          Type.String({ description: 'The group name; runs in one group run one at a time.' }),
          Type.Object(
            {
              group: Type.String({
                description:
                  'The group name, e.g. "${{ event.repo.full_name }}/${{ event.pr.number }}".',
              }),
              cancel_in_progress: Type.Optional(
                Type.Boolean({
                  description:
                    'A new run cancels the older runs of its group (true) or waits for them (false, default).',
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ],
        { description: 'Runs in the same group do not run at once.' },
      ),
    ),
    timeout: Type.Optional(
      Duration('Longest time the whole run may take; past it the run ends timed out.'),
    ),
    trust: Type.Optional(
      Type.Object(
        {
          users: Type.Array(Type.String({ minLength: 1 }), {
            description:
              'Forge logins trusted like members: their pull requests use their own config and their comments may trigger runs.',
          }),
        },
        {
          additionalProperties: false,
          description:
            "Who may trigger runs besides the repository's members (GitHub OWNER/MEMBER/COLLABORATOR, GitLab developer or above). Read from the default branch's pipeline, never from a pull request's.",
        },
      ),
    ),
    jobs: Type.Record(Type.String({ pattern: JOB_ID_PATTERN }), JobSchema, {
      minProperties: 1,
      additionalProperties: false,
      description: 'The jobs, by id (letters, digits, `_` and `-`, not starting with a digit).',
    }),
  },
  {
    $id: SCHEMA_ID,
    title: 'forgeflow pipeline',
    description:
      'A forgeflow pipeline (pipeline.yaml, version 1): triggers and jobs compiled to a durable workflow graph.',
    additionalProperties: false,
  },
);

export type PipelineConfig = Static<typeof PipelineSchema>;
