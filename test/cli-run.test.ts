/**
 * `forgeflow run`: a pipeline run here to the end on an embedded database in a temporary
 * directory, with plain progress lines (not a terminal) and the run's result as exit code.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { FakeCopr } from './support/fake-copr.js';
import { FakeTestingFarm } from './support/fake-testing-farm.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

const PUSH = 'examples/events/github-push-branch.json';

describe('forgeflow run', () => {
  it('runs a pipeline to the end and exits 0 when it succeeds', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  hello:
    uses: exec
    with: { command: [echo, "\${{ event.repo.full_name }}"] }
  shout:
    needs: hello
    uses: exec
    with: { shell: 'printf "%s" "$WHO" | tr a-z A-Z', env: { WHO: "\${{ needs.hello.output.stdout }}" } }
`,
    );
    const { code, out } = await run('run', file, '--event', PUSH, '--data-dir', join(dir, 'db'));
    expect(out).toContain('hello: running');
    expect(out).toContain('shout: succeeded');
    expect(out).toMatch(
      /run [0-9a-f-]{36} succeeded\nto look at it: forgeflow serve --data-dir \S+, then open http:\/\/localhost:8080\/runs\/[0-9a-f-]{36}\n$/,
    );
    expect(code).toBe(0);
  }, 60_000);

  it('exits 1 with the failure in the progress when the run fails', async () => {
    const file = join(dir, 'fail.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  broken:
    uses: exec
    with: { command: [sh, -c, "exit 7"] }
    retry: { maximum_attempts: 1 }
`,
    );
    const { code, out } = await run('run', file, '--event', PUSH, '--data-dir', join(dir, 'db'));
    expect(out).toContain('broken: failed (ExitCode: exited with code 7');
    expect(out).toMatch(/run [0-9a-f-]{36} failed\nto look at it: .*\n$/);
    expect(code).toBe(1);
  }, 60_000);

  it('runs a pipeline naming forge.comment, whose node fails NotConfigured here', async () => {
    const file = join(dir, 'comment.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  tell:
    uses: forge.comment
    with: { body: hello, pr: 1 }
`,
    );
    const { code, out } = await run('run', file, '--event', PUSH, '--data-dir', join(dir, 'db'));
    expect(out).toContain('tell: failed (NotConfigured: forge.comment needs a forge client');
    expect(code).toBe(1);
  }, 60_000);

  it('shows a poll in its child run, and gives --signal to the wait that needs it', async () => {
    const file = join(dir, 'poll.yaml');
    // The counter lives in the steps' working directory (--workdir), which they share.
    const counter = join(dir, 'polls');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  submit:
    uses: exec
    with: { command: [echo, submitted] }
    poll:
      uses: exec
      with: { command: [sh, -c, 'n=$(( $(cat "$0" 2>/dev/null || echo 0) + 1 )); echo $n > "$0"; echo $n', polls] }
      every: 100ms
      until: \${{ fromJSON(output.stdout) >= 2 }}
  gate:
    needs: submit
    wait_for: { signal: approve, timeout: 1m }
  after:
    needs: gate
    uses: exec
    with: { command: [echo, "approved by \${{ needs.gate.output.by }}"] }
`,
    );
    const { code, out } = await run(
      'run',
      file,
      '--event',
      PUSH,
      '--data-dir',
      join(dir, 'db'),
      '--workdir',
      dir,
      '--signal',
      'approve={"by":"octocat"}',
    );
    expect(out).toMatch(/submit: waiting \(polling in child run [0-9a-f-]{36}\)/);
    expect(out).toContain('submit: waiting (polled 1 time; next at');
    expect(out).toContain('gate: succeeded');
    expect(out).toMatch(
      /run [0-9a-f-]{36} succeeded\nto look at it: forgeflow serve --data-dir \S+, then open http:\/\/localhost:8080\/runs\/[0-9a-f-]{36}\n$/,
    );
    expect(readFileSync(counter, 'utf8')).toBe('2\n');
    expect(code).toBe(0);
  }, 60_000);

  it('exits 2 for a --signal that is not a signal name', async () => {
    const { code, err } = await run(
      'run',
      'examples/local.yaml',
      '--event',
      PUSH,
      '--signal',
      'not a name',
    );
    expect(code).toBe(2);
    expect(err).toContain('"not a name" is not a signal name');
  });

  it('exits 1 and starts nothing for an event the pipeline does not take', async () => {
    const { code, out } = await run(
      'run',
      'examples/local.yaml',
      '--event',
      'examples/events/github-pull_request-closed.json',
      '--data-dir',
      join(dir, 'db'),
    );
    expect(out).toContain('starts nothing');
    expect(code).toBe(1);
  });

  it('without --event, says a push-only pipeline starts nothing on a manual start', async () => {
    const file = join(dir, 'push-only.yaml');
    writeFileSync(file, 'version: 1\non: push\njobs:\n  a:\n    sleep: 1s\n');
    const { code, out } = await run('run', file, '--data-dir', join(dir, 'push-only'));
    expect(code).toBe(1);
    expect(out).toMatch(/starts nothing on github manual/);
  });
});

describe('forgeflow run: where steps run', () => {
  /** Runs with FORGEFLOW_EXEC_WORKSPACES set to a folder of this test's own. */
  async function runIn(workspaces: string, ...argv: string[]) {
    const saved = process.env.FORGEFLOW_EXEC_WORKSPACES;
    process.env.FORGEFLOW_EXEC_WORKSPACES = workspaces;
    try {
      return await run(...argv);
    } finally {
      if (saved === undefined) delete process.env.FORGEFLOW_EXEC_WORKSPACES;
      else process.env.FORGEFLOW_EXEC_WORKSPACES = saved;
    }
  }

  it('runs steps in the sandbox, in --workdir, with one /tmp for the run and the data directory hidden', async () => {
    const work = mkdtempSync(join(dir, 'work-'));
    const workspaces = join(dir, 'workspaces-sandbox');
    const file = join(work, 'where.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  first:
    uses: exec
    with: { shell: 'echo from-first > /tmp/shared; echo made > made.txt' }
  second:
    needs: first
    uses: exec
    with:
      shell: '{ cat /tmp/shared made.txt; pwd; id -u; ls -A db 2>/dev/null | wc -l; ls -d /proc/[0-9]* | wc -l; } > result.txt'
`,
    );
    const { code, out } = await runIn(
      workspaces,
      'run',
      file,
      '--event',
      PUSH,
      '--data-dir',
      join(work, 'db'),
      '--workdir',
      work,
    );
    expect(out).toMatch(
      /run [0-9a-f-]{36} succeeded\nto look at it: forgeflow serve --data-dir \S+, then open http:\/\/localhost:8080\/runs\/[0-9a-f-]{36}\n$/,
    );
    expect(code).toBe(0);
    const [shared, made, where, uid, dbEntries, processes] = readFileSync(
      join(work, 'result.txt'),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => line.trim());
    expect([shared, made, where, uid, dbEntries]).toEqual([
      'from-first',
      'made',
      '/workspace',
      String(process.getuid!()),
      '0',
    ]);
    expect(Number(processes)).toBeLessThanOrEqual(6);
    expect(readdirSync(workspaces)).toEqual([]); // the run's /tmp went with it
  }, 60_000);

  it('runs steps directly in --workdir with --exec-sandbox none', async () => {
    const work = mkdtempSync(join(dir, 'work-'));
    const file = join(work, 'direct.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  here:
    uses: exec
    with: { shell: 'pwd > where.txt' }
`,
    );
    const { code } = await runIn(
      join(dir, 'workspaces-none'),
      'run',
      file,
      '--event',
      PUSH,
      '--data-dir',
      join(dir, 'db-none'),
      '--workdir',
      work,
      '--exec-sandbox',
      'none',
    );
    expect(code).toBe(0);
    expect(readFileSync(join(work, 'where.txt'), 'utf8')).toBe(`${work}\n`);
  }, 60_000);

  it('runs each step in a fresh, empty folder of its own without --workdir, never in this one', async () => {
    const workspaces = mkdtempSync(join(dir, 'workspaces-fresh-'));
    const file = join(dir, 'fresh.yaml');
    // Exit 8: not under the workspaces; 9: the current directory; 10: not empty.
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  where:
    matrix: { n: [1, 2] }
    uses: exec
    with:
      shell: 'case "$(pwd -P)" in "$WS"/*) ;; *) exit 8;; esac; [ "$(pwd -P)" != "$HERE" ] || exit 9; [ -z "$(ls -A)" ] || exit 10; touch left-behind'
      env: { WS: "${realpathSync(workspaces)}", HERE: "${process.cwd()}" }
`,
    );
    const { code, out } = await runIn(
      workspaces,
      'run',
      file,
      '--event',
      PUSH,
      '--data-dir',
      join(dir, 'db-fresh'),
      '--exec-sandbox',
      'none',
    );
    expect(out).toContain('where[2]: succeeded');
    expect(code).toBe(0);
    expect(readdirSync(process.cwd())).not.toContain('left-behind');
    expect(readdirSync(workspaces)).toEqual([]); // each attempt's folder went with it
  }, 60_000);

  it('exits 2 for an unknown --exec-sandbox or a --workdir that is not a folder', async () => {
    const bad = await run(
      'run',
      'examples/local.yaml',
      '--event',
      PUSH,
      '--exec-sandbox',
      'chroot',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must be namespaces or none, not "chroot"');
    const missing = await run(
      'run',
      'examples/local.yaml',
      '--event',
      PUSH,
      '--workdir',
      join(dir, 'nope'),
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('is not a directory');
  });
});

describe('forgeflow run: Packit handlers and --handlers', () => {
  /** Runs with these environment variables set (and the others as they were). */
  async function runWithEnv(env: Record<string, string>, ...argv: string[]) {
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    try {
      return await run(...argv);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  const KOJI = `version: 1
on: push
jobs:
  koji:
    uses: koji.tag
    with: { job: koji_build_tag, trigger: koji_build, package: widgets, target: f41 }
    retry: { maximum_attempts: 1 }
`;

  it('fails a job type forgeflow does not integrate with NotConfigured, naming the handler to register', async () => {
    const file = join(dir, 'koji.yaml');
    writeFileSync(file, KOJI);
    const { code, out } = await run('run', file, '--event', PUSH, '--data-dir', join(dir, 'db'));
    expect(out).toContain(
      'koji: failed (NotConfigured: forgeflow has no Koji integration: register a handler named koji.tag',
    );
    expect(code).toBe(1);
  }, 60_000);

  it('runs an operator handler from --handlers in place of the placeholder', async () => {
    const file = join(dir, 'koji-handled.yaml');
    writeFileSync(
      file,
      `${KOJI}  report:
    needs: koji
    uses: exec
    with: { command: [echo, "\${{ needs.koji.output.nvr }}"] }
`,
    );
    const handlers = join(dir, 'my-handlers.mjs');
    writeFileSync(
      handlers,
      `export default ({ HandlerError }) => [
  {
    spec: { name: 'koji.tag', description: 'test Koji', input: { type: 'object' } },
    async run(input) {
      if (input.package !== 'widgets') throw new HandlerError('Nope', 'wrong package', { nonRetryable: true });
      return { nvr: input.package + '-1.0-1.fc41' };
    },
  },
];
`,
    );
    const { code, out } = await run(
      'run',
      file,
      '--event',
      PUSH,
      '--data-dir',
      join(dir, 'db'),
      '--handlers',
      handlers,
    );
    expect(out).toContain('koji: succeeded');
    expect(out).toContain('report: succeeded');
    expect(code).toBe(0);
  }, 60_000);

  it('exits 2 for a --handlers file that does not load, exports no list, or replaces a built-in', async () => {
    const missing = await run(
      'run',
      'examples/local.yaml',
      '--event',
      PUSH,
      '--handlers',
      join(dir, 'nope.mjs'),
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot load it');
    const wrong = join(dir, 'wrong.mjs');
    writeFileSync(wrong, 'export default { spec: {} };\n');
    const notList = await run('run', 'examples/local.yaml', '--event', PUSH, '--handlers', wrong);
    expect(notList.code).toBe(2);
    expect(notList.err).toContain('default export must be an array of handlers');
    const clash = join(dir, 'clash.mjs');
    writeFileSync(
      clash,
      "export default [{ spec: { name: 'exec', description: '', input: {} }, run: async () => 1 }];\n",
    );
    const replaced = await run('run', 'examples/local.yaml', '--event', PUSH, '--handlers', clash);
    expect(replaced.code).toBe(2);
    expect(replaced.err).toContain('"exec" is a handler forgeflow has');
  });

  it('builds in Copr and tests in Testing Farm with FORGEFLOW_COPR_* and FORGEFLOW_TESTING_FARM_*', async () => {
    const copr = new FakeCopr().addUser('login-1', 'copr-token-1', 'alice');
    const tf = new FakeTestingFarm().addToken('tf-token-1');
    await Promise.all([copr.start(), tf.start()]);
    try {
      const file = join(dir, 'copr-tf.yaml');
      writeFileSync(
        file,
        `version: 1
on: push
jobs:
  build:
    uses: copr.build
    with:
      project: hello-world-ci
      chroot: fedora-41-x86_64
      clone_url: "\${{ event.repo.clone_url }}"
      committish: "\${{ event.sha }}"
      package: hello
    poll:
      uses: copr.build_status
      with: { build_id: "\${{ output.build_id }}", chroot: "\${{ output.chroot }}", owner: "\${{ output.owner }}", project: "\${{ output.project }}", url: "\${{ output.url }}" }
      every: 100ms
      until: \${{ output.ended }}
  test:
    needs: build
    uses: testing_farm.run
    with:
      fmf_url: "\${{ event.repo.clone_url }}"
      fmf_ref: "\${{ event.sha }}"
      environments: [{ compose: Fedora-41, arch: x86_64 }]
      copr_build: "\${{ needs.build.output }}"
    poll:
      uses: testing_farm.request
      with: { request_id: "\${{ output.request_id }}", url: "\${{ output.url }}" }
      every: 100ms
      until: \${{ output.ended }}
`,
      );
      const { code, out } = await runWithEnv(
        {
          FORGEFLOW_COPR_URL: copr.url,
          FORGEFLOW_COPR_LOGIN: 'login-1',
          FORGEFLOW_COPR_TOKEN: 'copr-token-1',
          FORGEFLOW_TESTING_FARM_URL: tf.url,
          FORGEFLOW_TESTING_FARM_TOKEN: 'tf-token-1',
        },
        'run',
        file,
        '--event',
        PUSH,
        '--data-dir',
        join(dir, 'db'),
      );
      expect(out).toContain('build: succeeded');
      expect(out).toContain('test: succeeded');
      expect(code).toBe(0);
      const [built] = copr.builds();
      expect(built?.body).toMatchObject({ ownername: 'alice', chroots: ['fedora-41-x86_64'] });
      expect(built?.body.script).toContain("committish='6113728f27ae82c7b1a177c8d03f9e96e0adf246'");
      const [request] = tf.testRequests();
      expect((request?.body.environments as { artifacts: unknown }[])[0]?.artifacts).toEqual([
        { id: `${built?.id}:fedora-41-x86_64`, type: 'fedora-copr-build' },
      ]);
    } finally {
      await Promise.all([copr.stop(), tf.stop()]);
    }
  }, 60_000);
});
