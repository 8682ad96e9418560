/**
 * dist-git's `sources` file: one `SHA512 (name) = hex` line per file in the lookaside cache,
 * as `fedpkg new-sources` writes it (the new sources replace the old list).
 */
import { checkedFileName } from './names.js';

export interface LookasideSource {
  filename: string;
  sha512: string;
}

export function sourcesFile(sources: readonly LookasideSource[]): string {
  return sources
    .map(({ filename, sha512 }) => `SHA512 (${checkedFileName(filename)}) = ${sha512}\n`)
    .join('');
}

/** The entries of a `sources` file (either format fedpkg has written); unreadable lines skipped. */
export function parseSourcesFile(text: string): LookasideSource[] {
  return text.split('\n').flatMap((line) => {
    const tagged = /^SHA512 \((.+)\) = ([0-9a-f]{128})$/.exec(line.trim());
    return tagged ? [{ filename: tagged[1]!, sha512: tagged[2]! }] : [];
  });
}
