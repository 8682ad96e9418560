/**
 * Pipeline secrets (`${{ secrets.NAME }}`, DESIGN.md §2): the contract between the edge that
 * knows where the operator keeps them (src/cli/secret-store.ts reads the environment and a
 * file) and the runtime that asks for them when an attempt starts. The runtime never reads
 * files or the environment itself; it is given a SecretStore in its settings.
 */

export interface SecretStore {
  /**
   * The values of `names` (upper-case) for a repository (`owner/repo`): a repository's own value
   * wins over a global one. A name that has no value is left out of the answer.
   */
  lookup(repo: string, names: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Where an operator sets this secret, for the error of an attempt that misses it. */
  whereToSet(name: string, repo: string): string;
}

/** A secret's name as a pipeline writes it: `secrets.NAME`, letters, digits and `_`. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names are case-insensitive, as in GitHub Actions (and as the expression language reads them). */
export function secretKey(name: string): string {
  return name.toUpperCase();
}

/** The store of a runtime that was given none: every secret is missing. */
export const NO_SECRETS: SecretStore = {
  lookup: () => Promise.resolve(new Map()),
  whereToSet: (name) => `no secrets are configured on this server (wanted: ${name})`,
};

/** A store over fixed maps (tests, `forgeflow run`): global values and per-repository ones. */
export function staticSecrets(
  global: Readonly<Record<string, string>>,
  repos: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
  whereToSet: SecretStore['whereToSet'] = (name) => `set secret ${name} for the server`,
): SecretStore {
  const upper = (values: Readonly<Record<string, string>>) =>
    new Map(Object.entries(values).map(([name, value]) => [secretKey(name), value]));
  const globals = upper(global);
  const perRepo = new Map(Object.entries(repos).map(([repo, values]) => [repo, upper(values)]));
  return {
    lookup(repo, names) {
      const own = perRepo.get(repo);
      const found = new Map<string, string>();
      for (const name of names) {
        const value = own?.get(name) ?? globals.get(name);
        if (value !== undefined) found.set(name, value);
      }
      return Promise.resolve(found);
    },
    whereToSet,
  };
}
