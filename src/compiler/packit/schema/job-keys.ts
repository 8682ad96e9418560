/**
 * Keys only a job has (Packit's JobConfigSchema), the deprecated `metadata:` block
 * (JobMetadataSchema), and the package-level key set they extend.
 */
import Type, { type TSchema } from 'typebox';
import { JOB_TRIGGERS, JOB_TYPES } from '../types.js';
import { BUILD_KEYS, DOWNSTREAM_KEYS, IMAGE_KEYS, TEST_KEYS } from './build-keys.js';
import { bool, nested, optional, shared, str, strings } from './fields.js';

/**
 * Packit drops a job-only key written with no value before validating (its rearrange_jobs
 * keeps only values that are not None), so `skip_build:` is as good as absent.
 */
const orUnset = <T extends TSchema>(schema: T) =>
  Type.Union([schema, Type.Null()], {
    description: (schema as { description?: string }).description,
  });
import { IDENTITY_KEYS, SERVICE_KEYS, SYNC_KEYS } from './package-keys.js';

export const PACKAGE_KEYS = {
  ...IDENTITY_KEYS,
  ...SYNC_KEYS,
  ...SERVICE_KEYS,
  ...BUILD_KEYS,
  ...TEST_KEYS,
  ...DOWNSTREAM_KEYS,
  ...IMAGE_KEYS,
};

/** The keys a `packages.<name>` entry (at the top or in a job) may hold. */
export const PackageScopeSchema = Type.Object(optional(PACKAGE_KEYS), {
  additionalProperties: false,
  description: 'Settings of one package; they override those at the top level.',
});

/** One trigger, or several written "commit | koji_build" (one job per trigger). */
export const TRIGGER_PATTERN = `^\\s*(${JOB_TRIGGERS.join('|')})(\\s*\\|\\s*(${JOB_TRIGGERS.join('|')}))*\\s*$`;

export const JOB_ONLY_KEYS = {
  job: Type.Enum([...JOB_TYPES], {
    description: 'What the job does: copr_build, tests, propose_downstream, koji_build, ...',
  }),
  trigger: Type.String({
    pattern: TRIGGER_PATTERN,
    description:
      'What starts the job: pull_request, commit, release, koji_build or ignore; several as "commit | koji_build".',
  }),
  skip_build: orUnset(bool('Run tests without building in Copr first. Default: false.')),
  manual_trigger: orUnset(
    bool('Run only when asked by a comment (/packit build, /packit test). Default: false.'),
  ),
  labels: strings('Labels that select this job in `/packit test --labels`.'),
  packages: Type.Union(
    [
      Type.Array(Type.String()),
      Type.Record(Type.String(), Type.Ref('#/definitions/package')),
      Type.Null(),
    ],
    {
      description:
        'The packages this job runs for (default, and when empty: all): a list of names, or a mapping of name to settings for this job.',
    },
  ),
  sidetag_group: str('Koji side tag group shared by jobs that build packages together.'),
  dependents: strings('Packages whose builds follow this one in the side tag.'),
  dependencies: strings('Packages that must be built in the side tag before the Bodhi update.'),
};

/** JobMetadataSchema: what the deprecated `metadata:` block of a job accepts. */
const METADATA_NAMES = [
  'targets',
  'timeout',
  'owner',
  'project',
  'dist_git_branches',
  'branch',
  'scratch',
  'list_on_homepage',
  'preserve_project',
  'use_internal_tf',
  'additional_packages',
  'additional_repos',
  'bootstrap',
  'fmf_url',
  'fmf_ref',
  'fmf_path',
  'env',
  'enable_net',
  'tmt_plan',
  'tf_post_install_script',
  'tf_extra_params',
  'module_hotfixes',
] as const satisfies readonly (keyof typeof PACKAGE_KEYS)[];

/** The old names of dist_git_branches: Packit renames them in `metadata:` only (elsewhere unknown). */
const OLD_BRANCH_KEYS = {
  dist_git_branch: shared('dist_git_branches', 'Deprecated: renamed dist_git_branches.'),
  'dist-git-branch': shared('dist_git_branches', 'Deprecated: renamed dist_git_branches.'),
};

export const METADATA_KEYS = {
  ...Object.fromEntries(METADATA_NAMES.map((name) => [name, PACKAGE_KEYS[name]])),
  ...OLD_BRANCH_KEYS,
  // In metadata, JobMetadataSchema validates it before anything is dropped: null is refused.
  skip_build: bool('Run tests without building in Copr first. Default: false.'),
};

export const MetadataSchema = nested(
  optional(METADATA_KEYS),
  'Deprecated: write these keys directly in the job.',
);

export const JobSchema = Type.Object(
  {
    ...optional(PACKAGE_KEYS),
    ...optional(JOB_ONLY_KEYS),
    job: JOB_ONLY_KEYS.job,
    trigger: JOB_ONLY_KEYS.trigger,
    // Packit pops an empty `metadata:` (null or {}) without a word.
    metadata: Type.Optional(
      Type.Union(
        [shared('metadata', 'Deprecated: write these keys directly in the job.'), Type.Null()],
        {
          description: 'Deprecated: write these keys directly in the job.',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'A job: its type, its trigger, and settings that override the package ones.',
  },
);
