/**
 * The input of a `packit.propose_downstream` node: one dist-git branch of one release. It is
 * the placeholder's PackitJobInput (an operator's handler of that name still gets it) with
 * what the built-in handler reads resolved from the config with Packit's defaults: the tag,
 * the spec file, which files go to dist-git, the source to upload. Every value here comes from
 * the repository or the forge's event: the handler checks each again before using it.
 */
import type { Event } from '../../events/event.js';
import { bool, dict, list, str, subdirectory } from './config-values.js';
import type { PackitJobInput } from './handler-inputs.js';
import type { JobView } from './types.js';

export interface FileToSync {
  /** Paths relative to the package's directory upstream. */
  src: string[];
  /** Where in dist-git: a file when `src` is one path, else a directory. */
  dest: string;
}

export interface ProposeDownstreamInput extends PackitJobInput {
  /** The dist-git package (`downstream_package_name`, else the package key). */
  downstream_package: string;
  dist_git_branch: string;
  /** The release's tag; null when the event names none (a `/packit propose-downstream` comment). */
  tag: string | null;
  /** `upstream_tag_template`, default `{version}`. */
  tag_template: string;
  /** The package's directory upstream (`paths[0]`), `.` for the root. */
  subdirectory: string;
  /** The spec file relative to `subdirectory`. */
  specfile_path: string;
  /** The spec file first (to `<package>.spec`), then `files_to_sync`. */
  files_to_sync: FileToSync[];
  /** `Source0` unless `spec_source_id` says another. */
  spec_source_id: string;
  sync_changelog: boolean;
  /** The upstream repository's web page (where its archives are). */
  upstream_url: string | null;
  /** The released commit, where the event says it. */
  commit: string | null;
}

export function proposeDownstreamInput(
  base: PackitJobInput,
  view: JobView,
  event: Event,
): ProposeDownstreamInput {
  const { config } = view;
  const downstream = str(config, 'downstream_package_name') ?? view.package;
  const specfile = str(config, 'specfile_path') ?? `${downstream}.spec`;
  const sourceId = config.spec_source_id;
  return {
    ...base,
    downstream_package: downstream,
    dist_git_branch: base.target ?? 'main',
    tag: event.release?.tag ?? event.tag,
    tag_template: str(config, 'upstream_tag_template') ?? '{version}',
    subdirectory: subdirectory(config),
    specfile_path: specfile,
    files_to_sync: filesToSync(config.files_to_sync, specfile, downstream),
    spec_source_id:
      typeof sourceId === 'number'
        ? `Source${sourceId}`
        : typeof sourceId === 'string'
          ? sourceId
          : 'Source0',
    sync_changelog: bool(config, 'sync_changelog', false),
    upstream_url: event.repo.html_url,
    commit: event.sha,
  };
}

/** Packit's `files_to_sync` forms as one shape, the spec file always among them. */
function filesToSync(value: unknown, specfile: string, downstream: string): FileToSync[] {
  const spec: FileToSync = { src: [specfile], dest: `${downstream}.spec` };
  const entries = (Array.isArray(value) ? value : []).flatMap((entry): FileToSync[] => {
    if (typeof entry === 'string') return [{ src: [entry], dest: entry }];
    const item = dict(entry);
    const dest = typeof item.dest === 'string' ? item.dest : null;
    const src = list(item.src);
    return dest === null || src.length === 0 ? [] : [{ src, dest }];
  });
  return [
    spec,
    ...entries.filter((entry) => !(entry.src.length === 1 && entry.src[0] === specfile)),
  ];
}
