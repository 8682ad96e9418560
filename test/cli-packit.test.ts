/**
 * `forgeflow validate` and `forgeflow plan` with a Packit config: detected by its name (or
 * `--packit`), checked with Packit's meaning, planned against real webhook payloads with each
 * node's status name and each job left out with the reason.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';

const root = REPO_ROOT;
const EXAMPLE = 'examples/packit.yaml';

const run = runCli;

/** `forgeflow plan examples/packit.yaml --event examples/events/<event>.json …`. */
const plan = (event: string, ...args: string[]) =>
  run('plan', EXAMPLE, '--event', `examples/events/${event}.json`, ...args);

const scratch = mkdtempSync(join(tmpdir(), 'forgeflow-cli-packit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('forgeflow validate with a Packit config', () => {
  it('accepts examples/packit.yaml', async () => {
    expect(await run('validate', EXAMPLE)).toEqual({
      code: 0,
      out: `✓ ${EXAMPLE} is valid\n`,
      err: '',
    });
  });

  it("reports a broken one with Packit's words, at the line", async () => {
    const path = join(scratch, '.packit.yaml');
    writeFileSync(
      path,
      readFileSync(join(root, EXAMPLE), 'utf8').replace('trigger: release', 'trigger: tag'),
    );
    const result = await run('validate', path);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${path}:36:14: "tag" is not a Packit trigger`);
    expect(result.out).toContain(
      'Must be one of: release, pull_request, commit, koji_build, ignore.',
    );
  });

  it('treats any file as Packit with --packit', async () => {
    const path = join(scratch, 'ci.yaml');
    writeFileSync(path, readFileSync(join(root, EXAMPLE), 'utf8'));
    expect((await run('validate', path)).code).toBe(1); // read as a pipeline.yaml
    expect((await run('validate', path, '--packit')).code).toBe(0);
  });
});

describe('forgeflow plan with a Packit config', () => {
  it('shows the nodes with their status names, and the jobs left out', async () => {
    const result = await plan('github-pull_request-opened');
    expect(result.code).toBe(0);
    // One Copr build for both chroots (srpm:copr_build), a node following each chroot, the tests.
    expect(result.out).toContain('5 nodes, 4 edges');
    expect(result.out).toContain('needs srpm:copr_build');
    expect(result.out).toContain('reports rpm-build:fedora-rawhide-x86_64');
    expect(result.out).toContain('needs copr_build[fedora-45-x86_64]');
    expect(result.out).toContain(
      'propose_downstream (jobs[2], release): runs on release; the event selects pull_request jobs',
    );
  });

  it('explains an event that starts nothing, job by job', async () => {
    const result = await plan('github-pull_request-closed');
    expect(result.code).toBe(0);
    expect(result.out).toContain('starts nothing');
    expect(result.out).toContain('pull request action "closed"');
  });

  it('plans a release published', async () => {
    const result = await plan('github-release-published', '--format', 'json');
    const body = JSON.parse(result.out) as { graph: { nodes: { id: string; report: string }[] } };
    expect(body.graph.nodes.map((n) => [n.id, n.report])).toEqual([
      ['propose_downstream[main]', 'propose-downstream:main'],
      ['propose_downstream[f45]', 'propose-downstream:f45'],
    ]);
  });
});

describe('FORGEFLOW_PACKIT_RELEASES', () => {
  it('replaces the releases the aliases expand to', async () => {
    const table = join(scratch, 'releases.json');
    writeFileSync(
      table,
      JSON.stringify({
        as_of: '2025-06-01',
        fedora: { rawhide: 43, branched: null, stable: [41, 42] },
        epel: { majors: [9, 10], minors: ['10.0'] },
      }),
    );
    process.env.FORGEFLOW_PACKIT_RELEASES = table;
    try {
      const result = await plan('github-pull_request-opened');
      // fedora-latest-stable is 42 in that table.
      expect(result.out).toContain('reports rpm-build:fedora-42-x86_64');
      writeFileSync(table, '{"as_of": "soon"}');
      expect((await run('validate', EXAMPLE)).code).toBe(2);
    } finally {
      delete process.env.FORGEFLOW_PACKIT_RELEASES;
    }
  });
});
