/**
 * Where `propose_downstream` sends its work and with which credentials (FORGEFLOW_DISTGIT_*,
 * FORGEFLOW_PAGURE_TOKEN, FORGEFLOW_LOOKASIDE_*). Fedora's dist-git is a Pagure instance: git
 * at `<url>/rpms/<package>.git`, forks at `<url>/forks/<user>/rpms/<package>.git`, its API at
 * `<url>/api/0`. Pushes authenticate over HTTPS with the user and the Pagure API token;
 * lookaside uploads with a client certificate (Kerberos, what Fedora's upload.cgi asks today,
 * cannot be had here: docs/packit.md).
 */
export interface DistGitSettings {
  /** The Pagure dist-git instance (FORGEFLOW_DISTGIT_URL), e.g. https://src.fedoraproject.org. */
  url: string | null;
  /** The account whose fork gets the branch (FORGEFLOW_DISTGIT_USER), e.g. packit. */
  user: string | null;
  /** Its Pagure API token (FORGEFLOW_PAGURE_TOKEN): the API and git pushes over HTTPS. */
  token: string | null;
  /** The lookaside cache (FORGEFLOW_LOOKASIDE_URL): `<url>/upload.cgi`, `<url>/<pkg>/…`. */
  lookasideUrl: string | null;
  /** PEM files for upload.cgi (FORGEFLOW_LOOKASIDE_CERT, _KEY, _CA); the key may be in the cert. */
  lookasideCert: string | null;
  lookasideKey: string | null;
  lookasideCa: string | null;
  /**
   * Origins a spec's source may be downloaded from besides the upstream repository's own
   * (FORGEFLOW_DISTGIT_SOURCE_ORIGINS, comma separated, e.g. https://files.pythonhosted.org).
   */
  sourceOrigins: string[];
  /** Largest source archive downloaded; default 512 MiB. */
  sourceMaxBytes?: number;
  /** For the %changelog entry (FORGEFLOW_DISTGIT_PACKAGER). */
  packager: string;
}

export const DEFAULT_PACKAGER = 'forgeflow <forgeflow@localhost>';
export const DEFAULT_SOURCE_MAX_BYTES = 512 * 1024 * 1024;

export const DEFAULT_DIST_GIT_SETTINGS: DistGitSettings = {
  url: null,
  user: null,
  token: null,
  lookasideUrl: null,
  lookasideCert: null,
  lookasideKey: null,
  lookasideCa: null,
  sourceOrigins: [],
  packager: DEFAULT_PACKAGER,
};

/** What is missing for propose_downstream to run, as the NotConfigured message says it. */
export function distGitMissing(settings: DistGitSettings): string | null {
  const missing = [
    settings.url ? null : 'FORGEFLOW_DISTGIT_URL',
    settings.user ? null : 'FORGEFLOW_DISTGIT_USER',
    settings.token ? null : 'FORGEFLOW_PAGURE_TOKEN',
    settings.lookasideUrl ? null : 'FORGEFLOW_LOOKASIDE_URL',
  ].filter((name): name is string => name !== null);
  if (missing.length === 0) return null;
  return (
    `dist-git is not configured: set ${missing.join(', ')} (the Pagure dist-git, e.g. https://src.fedoraproject.org, ` +
    'the account whose fork gets the branch and its API token, and the lookaside cache, e.g. https://src.fedoraproject.org/repo/pkgs; ' +
    'FORGEFLOW_LOOKASIDE_CERT/_KEY for a client certificate) to run propose_downstream jobs'
  );
}
