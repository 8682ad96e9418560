/**
 * The shapes forgeflow lets reach Koji and Bodhi. Package names, branches, commits and NVRs come
 * from a repository's config and events, so an attacker's: each is checked against what RPM,
 * dist-git and Koji allow, bounded in length, before anything is sent.
 */
/** RPM package names: letters, digits and `._+-`, starting with a letter or digit. */
export const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;
/** Dist-git branches and Koji targets and tags: the same alphabet, no slashes. */
export const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;
/** A full commit hash (SHA-1 or SHA-256). */
export const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** name-version-release: version and release without dashes. */
export const NVR =
  /^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}-[A-Za-z0-9._+~^]{1,100}-[A-Za-z0-9._+~^]{1,100}$/;

const MAX_URL = 500;

/**
 * Why `url` cannot be the repository of a Koji SCM source (`git+<url>#<commit>`), or null:
 * http(s) only, no credentials, no query or fragment (the `#` starts the commit), bounded.
 */
export function repositoryProblem(url: string): string | null {
  if (url.length > MAX_URL) return `longer than ${MAX_URL} characters`;

  if (/[\s\u0000-\u001f\u007f#?]/.test(url)) return 'whitespace, a control character, # or ?';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'not http(s)';
  if (parsed.username !== '' || parsed.password !== '') return 'credentials in it';
  return null;
}
