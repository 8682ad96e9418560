/**
 * The `forgeflow` command driven through `main(argv, io)` with a captured io that reads real
 * files, plus one run of the real binary. Exit codes: 0 ok, 1 invalid config, 2 usage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { compilePipeline, type Graph } from '../src/compiler/index.js';
import { normalizeEvent } from '../src/forges/normalize.js';
import { builtInRegistry } from '../src/handlers/catalog.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const EXAMPLE = 'examples/pipeline.yaml';
const PR_OPENED = 'examples/events/github-pull_request-opened.json';
const PR_CLOSED = 'examples/events/github-pull_request-closed.json';
const GITLAB_MR = 'examples/events/gitlab-merge_request.json';

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process; relative paths are read from the repository root. */
async function run(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    color: false,
    readFile: (path) => readFileSync(isAbsolute(path) ? path : join(root, path), 'utf8'),
  });
  return { code, out, err };
}

const scratch = mkdtempSync(join(tmpdir(), 'forgeflow-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tempFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const BROKEN = [
  'version: 1',
  'on: push',
  'jobs:',
  '  a:',
  '    sleep: 1s',
  '    timout: 5m',
  '  b:',
  '    needs: [c]',
  '    sleep: 1s',
  '',
].join('\n');

describe('forgeflow validate', () => {
  it('says the example is valid and exits 0', async () => {
    const { code, out, err } = await run('validate', EXAMPLE);
    expect(code).toBe(0);
    expect(out).toContain(`${EXAMPLE} is valid`);
    expect(err).toBe('');
  });

  it('prints file:line:col: diagnostics with a caret and exits 1 for a broken file', async () => {
    const file = tempFile('broken.yaml', BROKEN);
    const { code, out } = await run('validate', file);
    expect(code).toBe(1);
    expect(out).toContain(
      `${file}:6:5: unknown key "timout" in job "a"; did you mean "timeout"? [schema]`,
    );
    expect(out).toMatch(new RegExp(`^${escape(file)}:8:\\d+: .*"c".*\\[needs\\]$`, 'm'));
    expect(out).toContain('6 |     timout: 5m');
    expect(out).toMatch(/^\s+\|\s+\^~~~~~$/m);
    expect(out).toContain('2 errors in 1 file');
    expect(out).not.toContain('is valid');
  });

  it('prints a JSON array of {file,line,column,message,rule} with --format json', async () => {
    const file = tempFile('broken-json.yaml', BROKEN);
    const { code, out } = await run('validate', '--format', 'json', file);
    expect(code).toBe(1);
    const parsed: unknown = JSON.parse(out);
    expect(Array.isArray(parsed)).toBe(true);
    const list = parsed as Record<string, unknown>[];
    expect(list.length).toBe(2);
    for (const d of list) {
      expect(d).toMatchObject({
        file,
        line: expect.any(Number) as number,
        column: expect.any(Number) as number,
        message: expect.any(String) as string,
        rule: expect.any(String) as string,
      });
    }
    expect(list[0]).toMatchObject({ line: 6, column: 5, rule: 'schema' });
    expect(list[1]).toMatchObject({ line: 8, rule: 'needs' });
  });

  it('prints an empty JSON array for a valid file', async () => {
    const { code, out } = await run('validate', '--format', 'json', EXAMPLE);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
  });

  it('validates several files and fails if any is broken', async () => {
    const file = tempFile('broken-many.yaml', BROKEN);
    const { code, out } = await run('validate', EXAMPLE, file);
    expect(code).toBe(1);
    expect(out).toContain(`${EXAMPLE} is valid`);
    expect(out).toContain(`${file}:6:5:`);
  });

  it('exits 2 with a clear message for a file that does not exist', async () => {
    const missing = join(scratch, 'no-such-pipeline.yaml');
    const { code, out, err } = await run('validate', missing);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`cannot read ${missing}: no such file`);
  });

  it('exits 2 for an unknown flag', async () => {
    const { code, err } = await run('validate', '--frobnicate', EXAMPLE);
    expect(code).toBe(2);
    expect(err).toContain('--frobnicate');
    expect(err).toContain('usage: forgeflow validate');
  });

  it('exits 2 for an unknown --format', async () => {
    const { code, err } = await run('validate', '--format', 'xml', EXAMPLE);
    expect(code).toBe(2);
    expect(err).toContain('--format must be');
  });

  it('exits 2 without a file', async () => {
    const { code, err } = await run('validate');
    expect(code).toBe(2);
    expect(err).toContain('validate needs at least one file');
  });
});

describe('forgeflow validate and the handlers a server runs', () => {
  const COPR = [
    'version: 1',
    'on: push',
    'jobs:',
    '  build:',
    '    uses: copr.build',
    '    with:',
    '      project: widgets',
    '      chroot: fedora-41-x86_64',
    '      clone_url: https://git.example/widgets.git',
    '      committish: ${{ event.sha }}',
    '  tell:',
    '    needs: build',
    '    uses: forge.comment',
    '    with: { body: "built ${{ needs.build.output.url }}" }',
    '',
  ].join('\n');

  it('knows copr.build, which needs Copr credentials only to run', async () => {
    const file = tempFile('copr.yaml', COPR);
    expect(await run('validate', file)).toEqual({ code: 0, out: `✓ ${file} is valid\n`, err: '' });
  });

  it('checks its `with:` against its input schema', async () => {
    const file = tempFile('copr-bad.yaml', COPR.replace('      chroot: fedora-41-x86_64\n', ''));
    const { code, out } = await run('validate', file);
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(
        `^${escape(file)}:6:5: in the input of job "build" \\(handler copr\\.build\\): give one of "chroots" or "chroot" \\[input\\]$`,
        'm',
      ),
    );
  });

  it('plans it too', async () => {
    const file = tempFile('copr-plan.yaml', COPR);
    const { code, out } = await run(
      'plan',
      file,
      '--event',
      'examples/events/github-push-branch.json',
    );
    expect(code).toBe(0);
    expect(out).toContain('copr.build');
  });
});

describe('forgeflow with no or unknown command', () => {
  it('prints usage and exits 2 with no arguments', async () => {
    const { code, out } = await run();
    expect(code).toBe(2);
    expect(out).toContain('usage: forgeflow <command>');
  });

  it('exits 2 for an unknown command', async () => {
    const { code, err } = await run('frobnicate');
    expect(code).toBe(2);
    expect(err).toContain('unknown command "frobnicate"');
  });

  it('exits 0 for --help', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toContain('usage: forgeflow <command>');
  });
});

describe('forgeflow plan', () => {
  it('lists the nodes of a pull request and their needs, and exits 0', async () => {
    const { code, out, err } = await run('plan', EXAMPLE, '--event', PR_OPENED);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    const buildLine = lines.findIndex((l) => /^\s+build\[fedora-41-x86_64\]\s/.test(l));
    const testLine = lines.findIndex((l) => /^\s+test\[fedora-41-x86_64\]\s/.test(l));
    expect(buildLine).toBeGreaterThan(-1);
    expect(testLine).toBeGreaterThan(buildLine);
    // The details under test[fedora-41-x86_64], before the next node line.
    const details: string[] = [];
    for (const line of lines.slice(testLine + 1)) {
      if (!/^\s{4,}/.test(line) || /^\s{2}\S/.test(line)) break;
      details.push(line.trim());
    }
    expect(details).toContain('needs build[fedora-41-x86_64]');
  });

  it('prints the same graph the compiler builds with --format json', async () => {
    const { code, out } = await run('plan', EXAMPLE, '--event', PR_OPENED, '--format', 'json');
    expect(code).toBe(0);
    const body = JSON.parse(out) as { started: boolean; graph: Graph };
    expect(body.started).toBe(true);
    const event = normalizeEvent(
      'github',
      'pull_request',
      JSON.parse(readFileSync(join(root, PR_OPENED), 'utf8')),
    );
    if (!event.ok) throw new Error(event.ignored);
    const compiled = compilePipeline(readFileSync(join(root, EXAMPLE), 'utf8'), event.event, {
      file: EXAMPLE,
      handlers: builtInRegistry,
    });
    if (compiled.status !== 'graph') throw new Error(`expected a graph, got ${compiled.status}`);
    const ids = body.graph.nodes.map((n) => n.id);
    expect(ids).toEqual(compiled.graph.nodes.map((n) => n.id));
    expect(ids).toContain('build[fedora-41-x86_64]');
    expect(ids).toContain('test[fedora-41-x86_64]');
    expect(body.graph.hash).toBe(compiled.graph.hash);
    const test = body.graph.nodes.find((n) => n.id === 'test[fedora-41-x86_64]');
    expect(test?.needs).toEqual(['build[fedora-41-x86_64]']);
  });

  it('prints a mermaid flowchart with --format mermaid', async () => {
    const { code, out } = await run('plan', EXAMPLE, '--event', PR_OPENED, '--format', 'mermaid');
    expect(code).toBe(0);
    expect(out.startsWith('flowchart')).toBe(true);
    expect(out).toContain('build[fedora-41-x86_64]');
  });

  it('says a closed pull request starts nothing, with each trigger and its reason', async () => {
    const { code, out } = await run('plan', EXAMPLE, '--event', PR_CLOSED);
    expect(code).toBe(0);
    expect(out).toContain('starts nothing');
    for (const trigger of ['pull_request', 'push', 'release', 'comment', 'manual'])
      expect(out).toMatch(new RegExp(`^\\s+${trigger}: \\S.*$`, 'm'));
    expect(out).toMatch(/^\s+pull_request: .*"closed"/m);
  });

  it('detects a GitLab payload without --forge or --event-type', async () => {
    const { code, out } = await run('plan', EXAMPLE, '--event', GITLAB_MR);
    expect(code).toBe(0);
    expect(out).toMatch(/starts on gitlab pull_request/);
    expect(out).toContain('build[fedora-41-x86_64]');
  });

  it('exits 2 when the payload is not JSON', async () => {
    const payload = tempFile('not-json.json', 'this is { not json');
    const { code, err } = await run('plan', EXAMPLE, '--event', payload);
    expect(code).toBe(2);
    expect(err).toContain(`${payload} is not JSON`);
  });

  it('exits 2 for a GitHub payload it cannot recognise without --event-type', async () => {
    const payload = tempFile('unknown.json', JSON.stringify({ hello: 'world', repository: {} }));
    const { code, err } = await run('plan', EXAMPLE, '--event', payload);
    expect(code).toBe(2);
    expect(err).toContain('cannot tell which GitHub event');
    expect(err).toContain('--event-type');
  });

  it('exits 2 for a payload file that does not exist', async () => {
    const missing = join(scratch, 'no-such-event.json');
    const { code, err } = await run('plan', EXAMPLE, '--event', missing);
    expect(code).toBe(2);
    expect(err).toContain(`cannot read ${missing}: no such file`);
  });

  it('plans a manual start without --event', async () => {
    const { code, out } = await run('plan', EXAMPLE);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^pipeline ci \(.*\) starts on github manual local\/[^ ]+ main @ 00000000\n/,
    );
  });

  it('exits 1 and prints diagnostics to stderr for a broken pipeline', async () => {
    const file = tempFile('broken-plan.yaml', BROKEN);
    const { code, out, err } = await run('plan', file, '--event', PR_OPENED);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(`${file}:6:5:`);
  });
});

describe('the installed binary', () => {
  it('runs `node bin/forgeflow.js validate examples/pipeline.yaml` and exits 0', () => {
    if (!existsSync(join(root, 'dist/cli/main.js')))
      expect.fail('dist/cli/main.js does not exist: run `npm run build` before this test');
    const result = spawnSync(process.execPath, ['bin/forgeflow.js', 'validate', EXAMPLE], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.error).toBeUndefined();
    expect(result.status, `stderr: ${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`${EXAMPLE} is valid`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
