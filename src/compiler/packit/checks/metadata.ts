/**
 * A job's deprecated `metadata:` block: a warning, and Packit's refusal to mix it with the
 * same settings written directly in the job.
 */
import { isDict, type Dict } from '../../checks/context.js';
import { jobName } from '../places.js';
import type { Report } from '../report.js';
import { METADATA_KEYS } from '../schema.js';
import { PACKIT_WORDS, packitSays } from '../words.js';

/** Fields of Packit's JobMetadataSchema it compares with the job's keys (`targets` is `_targets`). */
const METADATA_FIELDS = Object.keys(METADATA_KEYS).filter(
  (key) => key !== 'targets' && key !== 'dist_git_branch' && key !== 'dist-git-branch',
);

export function checkMetadata(report: Report, data: Dict, index: number, job: Dict): void {
  const metadata = job.metadata;
  if (!isDict(metadata)) return;
  report.warning(
    ['jobs', index, 'metadata'],
    `"metadata" is deprecated: write its keys directly in the job${packitSays(PACKIT_WORDS.metadataDeprecated)}`,
  );
  // Packit refuses any of its metadata fields next to a metadata block, set in it or not.
  for (const key of Object.keys(job).filter((k) => METADATA_FIELDS.includes(k))) {
    report.error(
      ['jobs', index, key],
      `"${key}" is written in ${jobName(data, index)}, which also has the deprecated "metadata"; Packit does not allow both: move the metadata keys into the job${packitSays(PACKIT_WORDS.metadataMixing([key]))}`,
      'key',
    );
  }
  if ('targets' in job && 'targets' in metadata)
    report.warning(
      ['jobs', index, 'metadata', 'targets'],
      `"targets" is set both here and in ${jobName(data, index)}; Packit uses this one (from the deprecated metadata)`,
    );
}
