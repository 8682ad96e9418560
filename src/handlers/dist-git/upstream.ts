/**
 * Where a release's files come from: on a server, the forge's API at the released commit (or
 * tag); under `forgeflow run`, the local repository the config is in, at its HEAD (paths
 * relative to the config's folder), and the source archive made there by `git archive`, since
 * `forgeflow run` never reaches the network for the repository.
 */
import type { ForgeClients } from '../../forges/clients.js';
import { repoRef } from '../../forges/repo-ref.js';
import type { Event } from '../../events/event.js';
import { Masker } from '../../common/mask.js';
import { GitTool } from '../checkout/git-tool.js';
import type { CheckoutSource } from '../checkout/source.js';
import { notConfigured } from '../not-configured.js';
import { badInput } from './names.js';
import { SPEC_MAX_BYTES } from './spec-edit.js';

/** git's output cap (checkout/git.ts): a file this long may be cut. */
const LOCAL_FILE_MAX = 64 * 1024;

export interface Upstream {
  /** A file's text; null when there is none at that path. */
  readFile(path: string): Promise<string | null>;
  /** Under `forgeflow run`: writes the archive of HEAD to `file` (else the spec's URL is used). */
  archive?: (file: string, prefix: string) => Promise<void>;
}

export function upstreamOf(
  services: { forges: ForgeClients | null; checkout?: CheckoutSource },
  event: Event,
  ref: string,
  git: { home: string; signal: AbortSignal },
): Upstream {
  const forge = services.forges?.[event.forge];
  if (forge) {
    return {
      readFile: async (path) => {
        const text = await forge.readFile(repoRef(event), path, ref, { signal: git.signal });
        if (text !== null && Buffer.byteLength(text) > SPEC_MAX_BYTES)
          throw badInput(`${path} is larger than ${SPEC_MAX_BYTES} bytes`);
        return text;
      },
    };
  }
  const checkout = services.checkout;
  if (checkout?.kind !== 'local')
    throw notConfigured(
      'propose_downstream needs the forge clients (a server) to read the release',
    );
  const tool = new GitTool(git.home, git.signal, new Masker([]), () => undefined);
  const dir = checkout.directory;
  return {
    readFile: async (path) => {
      const shown = await tool.run(['-C', dir, 'show', `HEAD:./${path}`]);
      if (shown.code !== 0) return null;
      if (shown.stdout.length >= LOCAL_FILE_MAX)
        throw badInput(`${path} is too large to read from the local repository`);
      return shown.stdout;
    },
    archive: async (file, prefix) => {
      const made = await tool.run([
        '-C',
        dir,
        'archive',
        '--format=tar.gz',
        `--prefix=${prefix}/`,
        '-o',
        file,
        'HEAD',
        '--',
        '.',
      ]);
      if (made.code !== 0)
        throw badInput(
          `git archive of the local repository failed: ${made.stderr.trim().slice(0, 200)}`,
        );
    },
  };
}
