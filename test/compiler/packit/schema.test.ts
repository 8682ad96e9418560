// schemas/packit.schema.json is what editors and `ajv` users get: it must accept real files
// as they are written (anchors under `_`, merge keys, "a | b" triggers).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fixtures } from './helpers.js';

const schema = JSON.parse(
  readFileSync(new URL('../../../schemas/packit.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
const read = (text: string): unknown =>
  parse(text, { version: '1.1', merge: true, uniqueKeys: false }) as unknown;

describe('schemas/packit.schema.json', () => {
  it('is an editor-ready draft-07 schema with an $id and a title', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe('https://forgeflow.dev/schemas/packit.schema.json');
    expect(schema.title).toMatch(/Packit/);
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(fixtures('valid'))('accepts $name', ({ text }) => {
    expect(validate(read(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it.each(
    fixtures('invalid').filter(({ name }) =>
      /unknown-key|unknown-job-type|unknown-trigger|missing-trigger/.test(name),
    ),
  )('rejects $name', ({ text }) => {
    expect(validate(read(text))).toBe(false);
  });

  it('accepts what Packit accepts: one target as a string in a job, "yes", "7200", null to unset', () => {
    const text = `
create_pr: "yes"
release_suffix: null
jobs:
- job: copr_build
  trigger: commit | release
  targets: fedora-all
  timeout: "7200"
  dist_git_branches: {rawhide: {fast_forward_merge_into: [f43]}, epel9: {}}
`;
    expect(validate(read(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys at every level, and unknown actions', () => {
    for (const text of [
      'specfile_path: x\nbogus: 1\n',
      'packages: {a: {bogus: 1}}\n',
      'jobs: [{job: tests, trigger: commit, packages: {a: {bogus: 1}}}]\n',
      'jobs: [{job: tests, trigger: commit, metadata: {bogus: 1}}]\n',
      'actions: {build-it: make}\n',
      'jobs: [{job: tests, trigger: "commit | push"}]\n',
    ])
      expect(validate(read(text)), text).toBe(false);
  });
});
