/**
 * Packit's custom fields (`Targets`, `DistGitBranches`, `ActionField`, `FilesToSyncField`) and
 * nested schemas (notifications, require, sources, ...), as TypeBox schemas.
 */
import Type from 'typebox';
import { bool, list, nested, str, strings } from './fields.js';

/** packit/actions.py's ActionName: the keys `actions:` accepts. */
export const ACTION_NAMES = [
  'run-condition',
  'post-upstream-clone',
  'pre-sync',
  'create-patches',
  'prepare-files',
  'create-archive',
  'get-current-version',
  'fix-spec-file',
  'post-modifications',
  'changelog-entry',
  'commit-message',
] as const;

export const DEPLOYMENTS = ['dev', 'stg', 'prod'] as const;
export const BOOTSTRAP_MODES = ['default', 'on', 'off', 'image'] as const;

/** A command as a line (split as a shell would) or as its words (packit's actions_handler.py). */
const Command = Type.Union(
  [Type.String(), Type.Array(Type.Union([Type.String(), Type.Array(Type.String())])), Type.Null()],
  {
    description:
      'A command, or a list of commands run in order, each a line or a list of words; empty: do nothing at this step.',
  },
);

export const Actions = Type.Object(
  Object.fromEntries(ACTION_NAMES.map((name) => [name, Type.Optional(Command)])),
  {
    additionalProperties: false,
    description:
      "Commands that replace or hook into Packit's steps, keyed by action name (create-archive, get-current-version, fix-spec-file, ...).",
  },
);

/** Packit's CHROOT_SPECIFIC_COPR_CONFIGURATION plus the test-only `distros`. */
const ChrootAttributes = nested(
  {
    distros: Type.Optional(
      list('Test on these distributions instead of the one the target implies (Testing Farm).'),
    ),
    additional_packages: Type.Optional(list('Packages installed in this chroot before a build.')),
    additional_repos: Type.Optional(list('Repositories enabled in this chroot for a build.')),
    additional_modules: Type.Optional(
      Type.String({ description: 'Modules enabled in this chroot: "module:stream,other:stream".' }),
    ),
    with_opts: Type.Optional(list('rpmbuild --with options for this chroot.')),
    without_opts: Type.Optional(list('rpmbuild --without options for this chroot.')),
  },
  'Settings for one target.',
);

export const Targets = Type.Union(
  [
    Type.String(),
    Type.Array(Type.String()),
    Type.Record(Type.String(), ChrootAttributes),
    Type.Null(),
  ],
  {
    description:
      'Copr chroots or test targets (fedora-rawhide-x86_64, or aliases such as fedora-all, epel-all); a list, or a mapping of target to its settings. Default: fedora-stable.',
  },
);

export const DistGitBranches = Type.Union(
  [
    Type.String(),
    Type.Array(Type.String()),
    Type.Record(
      Type.String(),
      nested(
        {
          // Packit does not check this value and ignores anything but a list (its aliases.py).
          fast_forward_merge_into: Type.Optional(
            Type.Unknown({
              description: 'Branches fast-forwarded to the commit made on this branch (a list).',
            }),
          ),
        },
        'What else to update from this branch.',
      ),
    ),
    Type.Null(),
  ],
  {
    description:
      'Dist-git branches (f43, rawhide, or aliases such as fedora-all); a list, or a mapping of branch to {fast_forward_merge_into: [...]}.',
  },
);

const FileToSync = Type.Union([
  Type.String({ description: 'A path synced to the same path in dist-git.' }),
  Type.Object(
    {
      src: Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'A path, or paths, in the upstream repository (globs allowed).',
      }),
      dest: Type.String({ description: 'Where in dist-git the sources go.' }),
      mkpath: Type.Optional(bool('Create missing directories of dest. Default: false.')),
      delete: Type.Optional(bool('Delete what dest has but src does not. Default: false.')),
      filters: Type.Optional(strings('rsync filter rules, e.g. "protect .git*".')),
    },
    { additionalProperties: false, description: 'A synced path with options (rsync).' },
  ),
]);

export const FilesToSync = Type.Array(FileToSync, {
  description:
    'Files copied from upstream to dist-git on a release sync. Default: the spec file and this config file.',
});

export const Sources = Type.Union(
  [
    Type.Array(
      Type.Object(
        {
          path: Type.String({ description: 'Base name of the spec file source.' }),
          url: Type.String({ description: 'Where to download it from instead.' }),
        },
        { additionalProperties: false, description: 'One source override.' },
      ),
    ),
    Type.Null(),
  ],
  { description: 'Override the URLs of spec file sources: a list of {path, url}.' },
);

export const Notifications = nested(
  {
    pull_request: Type.Optional(
      nested(
        {
          successful_build: Type.Optional(
            bool('Comment on the pull request how to install a successful build. Default: false.'),
          ),
        },
        'Comments on pull requests.',
      ),
    ),
    failure_comment: Type.Optional(
      nested(
        {
          message: Type.Optional(
            str(
              'Comment posted when a job fails; may use {commit_sha}, {logs_url}, {packit_dashboard_url}, {external_dashboard_url}.',
            ),
          ),
        },
        'A comment on failure.',
      ),
    ),
    failure_issue: Type.Optional(
      nested(
        {
          create: Type.Optional(
            bool('Open an issue in issue_repository when a downstream job fails.'),
          ),
        },
        'An issue on failure.',
      ),
    ),
  },
  'How Packit tells about results: comments and issues.',
);

export const Require = nested(
  {
    label: Type.Optional(
      Type.Union(
        [
          nested(
            {
              present: Type.Optional(
                list('Run only when the pull request has at least one of these labels.'),
              ),
              absent: Type.Optional(
                list('Run only when the pull request has none of these labels.'),
              ),
            },
            'Pull request label conditions.',
          ),
          Type.Null(),
        ],
        { description: 'Pull request label conditions; empty: none.' },
      ),
    ),
  },
  'Conditions a pull request must meet for the job to run.',
);

export const TestCommand = nested(
  {
    default_labels: Type.Optional(strings('Labels a bare `/packit test` means.')),
    default_identifier: Type.Optional(str('The identifier a bare `/packit test` means.')),
  },
  'Defaults of the `/packit test` comment command.',
);

export const OshOptions = nested(
  {
    analyzer: Type.Optional(str('OpenScanHub analyzer(s).')),
    config: Type.Optional(str('Mock config the scan runs in.')),
    profile: Type.Optional(str('OpenScanHub scan profile.')),
  },
  'Options of the OpenScanHub scan: analyzer, config, profile.',
);

export const PackitInstances = Type.Array(Type.Enum([...DEPLOYMENTS]), {
  description: 'Packit deployments that run this: dev, stg, prod. Default: [prod].',
});

export const Env = Type.Union(
  [
    Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    ),
    Type.Null(),
  ],
  { description: 'Environment variables set where the tests run (a mapping of name to value).' },
);

export const Bootstrap = Type.Union([Type.Enum([...BOOTSTRAP_MODES]), Type.Null()], {
  description:
    'Mock bootstrap: default, on, off or image (quote on and off: YAML 1.1 reads them as booleans).',
});

export const SpecSourceId = Type.Union([Type.Integer(), Type.String()], {
  description:
    'The spec file source to point at the new archive: N (SourceN) or a name. Default: Source0.',
});

/**
 * The shapes written once under `definitions` in the published schema and referred to from
 * each level (top, package, job, job package), which keeps the file small for editors.
 */
export const SHARED_SHAPES = {
  targets: Targets,
  dist_git_branches: DistGitBranches,
  actions: Actions,
  files_to_sync: FilesToSync,
  sources: Sources,
  notifications: Notifications,
  require: Require,
  test_command: TestCommand,
  osh_options: OshOptions,
  env: Env,
};
