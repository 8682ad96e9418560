/**
 * The operator's pipeline secrets as `forgeflow serve` reads them: FORGEFLOW_SECRET_<NAME>
 * variables and a FORGEFLOW_SECRETS_FILE of global and per-repository values (JSON or YAML),
 * with the precedence README states, and a clear refusal (naming the key, never the value) of
 * a file that is broken.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/io.js';
import { readSecretStore } from '../src/cli/secret-store.js';
import { readSettings } from '../src/cli/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const lookup = async (env: NodeJS.ProcessEnv, repo: string, names: string[]) =>
  Object.fromEntries(await readSecretStore(env).lookup(repo, names));

describe('pipeline secrets from the environment and a file', () => {
  it('reads FORGEFLOW_SECRET_<NAME> as a global secret, names case-insensitive', async () => {
    const env = { FORGEFLOW_SECRET_Api_Token: 'value-1', FORGEFLOW_SECRET_OTHER: 'value-2' };
    expect(await lookup(env, 'octo/app', ['API_TOKEN', 'OTHER', 'MISSING'])).toEqual({
      API_TOKEN: 'value-1',
      OTHER: 'value-2',
    });
  });

  it("reads a YAML file; a repository's value wins, then the environment, then the file", async () => {
    const path = file(
      'secrets.yaml',
      `global:
  TOKEN: from-file-global
  ONLY_FILE: only-in-file
repositories:
  octo/app:
    token: from-file-octo-app
  group/sub/project:
    TOKEN: from-file-gitlab
`,
    );
    const env = { FORGEFLOW_SECRETS_FILE: path, FORGEFLOW_SECRET_TOKEN: 'from-env' };
    expect(await lookup(env, 'octo/app', ['TOKEN', 'ONLY_FILE'])).toEqual({
      TOKEN: 'from-file-octo-app',
      ONLY_FILE: 'only-in-file',
    });
    expect(await lookup(env, 'octo/other', ['TOKEN'])).toEqual({ TOKEN: 'from-env' });
    expect(await lookup(env, 'group/sub/project', ['TOKEN'])).toEqual({
      TOKEN: 'from-file-gitlab',
    });
  });

  it('reads JSON, and says where to set a secret that is missing', async () => {
    const path = file('secrets.json', JSON.stringify({ global: { A_TOKEN: 'json-value' } }));
    const store = readSecretStore({ FORGEFLOW_SECRETS_FILE: path });
    expect(Object.fromEntries(await store.lookup('o/r', ['A_TOKEN']))).toEqual({
      A_TOKEN: 'json-value',
    });
    expect(store.whereToSet('B', 'o/r')).toBe(
      `set FORGEFLOW_SECRET_B in the server's environment, or B under "global" or under repositories."o/r" of ${path}`,
    );
  });

  it.each([
    ['global: [a]\n', /global must be a mapping/],
    ['global: { TOKEN: 1234 }\n', /global\.TOKEN must be a string/],
    ['global: { TOKEN: abc }\n', /global\.TOKEN: a secret must be at least 4 characters/],
    ['global: { "no-dash": abcd }\n', /"no-dash" is not a secret name/],
    ['global: { TOKEN: abcd, token: efgh }\n', /TOKEN is given twice/],
    ['secrets: { TOKEN: abcd }\n', /unknown key "secrets"/],
    ['repositories: { "not a repo": { T: abcd } }\n', /is not owner\/repo/],
    ['global: { A: &x abcd, B: *x }\n', /not JSON or YAML/],
    ['global: {\n', /not JSON or YAML/],
  ])('refuses %j', (text, message) => {
    const path = file('broken.yaml', text);
    let error: unknown;
    try {
      readSecretStore({ FORGEFLOW_SECRETS_FILE: path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`FORGEFLOW_SECRETS_FILE=${path}`);
    expect((error as Error).message).not.toMatch(/abcd|efgh/);
  });

  it('refuses a short secret from the environment, naming the variable only', () => {
    expect(() => readSecretStore({ FORGEFLOW_SECRET_PIN: '123' })).toThrow(
      /^FORGEFLOW_SECRET_PIN: a secret must be at least 4 characters/,
    );
  });

  it('is part of the server settings', async () => {
    const settings = readSettings({ FORGEFLOW_SECRET_DEPLOY: 'deploy-key' }, {});
    expect(Object.fromEntries(await settings.secrets.lookup('o/r', ['DEPLOY']))).toEqual({
      DEPLOY: 'deploy-key',
    });
  });
});
