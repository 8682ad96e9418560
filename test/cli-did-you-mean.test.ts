/**
 * Habits of a good CLI (issue 13 §5): every command answers --help with its usage (exit 0), and
 * a misspelt command, subcommand or flag gets the one it probably meant (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { nearest } from '../src/cli/did-you-mean.js';
import { runCli } from './support/cli.js';

describe('--help', () => {
  it.each(['validate', 'plan', 'run', 'serve', 'worker', 'migrate', 'prune'])(
    'forgeflow %s --help prints its usage and exits 0',
    async (name) => {
      const { code, out, err } = await runCli(name, '--help');
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^usage: forgeflow ${name} `));
      expect(err).toBe('');
    },
  );

  it('forgeflow runs list -h prints the usage of list', async () => {
    const { code, out } = await runCli('runs', 'list', '-h');
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: forgeflow runs list \[--repo R\]/);
  });
});

describe('did you mean', () => {
  it('suggests a command', async () => {
    const { code, err } = await runCli('valdate', 'x.yaml');
    expect(code).toBe(2);
    expect(err).toMatch(/^forgeflow: unknown command "valdate"; did you mean "validate"\?\n/);
  });

  it('suggests a subcommand of runs', async () => {
    const { code, err } = await runCli('runs', 'lst');
    expect(code).toBe(2);
    expect(err).toMatch(/^forgeflow runs: unknown command "lst"; did you mean "list"\?\n/);
  });

  it('suggests a flag of the command, a subcommand of runs too', async () => {
    const state = await runCli('runs', 'list', '--state', 'failed');
    expect(state.code).toBe(2);
    expect(state.err).toMatch(
      /^forgeflow runs list: unknown option "--state"; did you mean "--status"\?\nusage: /,
    );
    const event = await runCli('plan', 'examples/pipeline.yaml', '--evnt', 'x.json');
    expect(event.code).toBe(2);
    expect(event.err).toMatch(/^forgeflow plan: unknown option "--evnt"; did you mean "--event"\?/);
    const prefix = await runCli('worker', '--conc', '3');
    expect(prefix.err).toMatch(/did you mean "--concurrency"\?/);
  });

  it('suggests nothing when nothing is near', async () => {
    const { code, err } = await runCli('validate', 'x.yaml', '--colour');
    expect(code).toBe(2);
    expect(err).toMatch(/^forgeflow validate: unknown option "--colour"\nusage: /);
    expect(nearest('--zzzzzz', ['--status', '--repo'])).toBeUndefined();
  });

  it('spells machine output --format json everywhere (runs has no --json)', async () => {
    const { code, err } = await runCli('runs', 'list', '--json');
    expect(code).toBe(2);
    expect(err).toMatch(/unknown option "--json"/);
    const bad = await runCli('runs', 'list', '--format', 'yaml');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--format must be one of text, json; got "yaml"/);
  });
});
