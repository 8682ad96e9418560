import { describe, expect, it } from 'vitest';
import { expandMatrix } from '../../src/compiler/matrix.js';
import { graphOf, manual, pullRequest, push } from './helpers.js';

const pipeline = (jobs: string, top = '') =>
  `version: 1\non: [push, pull_request, manual]\n${top}jobs:\n${jobs}`;

describe('matrix expansion (GitHub Actions rules)', () => {
  it('takes the product in key order, then exclude, then include', () => {
    const { combinations } = expandMatrix({
      os: ['f41', 'f42'],
      arch: ['x86_64', 'aarch64'],
      exclude: [{ os: 'f41', arch: 'aarch64' }],
      include: [
        { arch: 'x86_64', debug: true }, // extends both x86_64 combinations
        { os: 'epel9', arch: 'x86_64' }, // conflicts with all: added as a new combination
      ],
    });
    expect(combinations).toEqual([
      { os: 'f41', arch: 'x86_64', debug: true },
      { os: 'f42', arch: 'x86_64', debug: true },
      { os: 'f42', arch: 'aarch64' },
      { os: 'epel9', arch: 'x86_64' },
    ]);
  });
});

describe('graph building', () => {
  it('aligns needs between jobs with the same matrix keys and fans in otherwise', () => {
    const { graph } = graphOf(
      pipeline(`  build:
    matrix: { t: [a, b] }
    uses: exec
    with: { command: [make, "\${{ matrix.t }}"] }
  test:
    needs: build
    matrix: { t: [a, b] }
    uses: exec
    with: { command: [test, "\${{ needs.build.output.stdout }}"] }
  report:
    needs: [test]
    uses: forge.comment
    with: { body: done }
`),
      push('main'),
    );
    expect(graph.nodes.map((n) => [n.id, n.needs])).toEqual([
      ['build[a]', []],
      ['build[b]', []],
      ['test[a]', ['build[a]']],
      ['test[b]', ['build[b]']],
      // A job without the matrix needs the whole matrix job: one entry, every node of it.
      ['report', ['test']],
    ]);
    expect(graph.nodes[2]?.matrix).toEqual({ t: 'a' });
  });

  it('applies defaults, merges the retry policy field by field and converts durations', () => {
    const { graph } = graphOf(
      pipeline(
        `  a:
    uses: http.request
    with: { url: "https://x.example" }
    retry: { maximum_attempts: 5 }
    heartbeat_timeout: 30s
  b:
    sleep: 1h30m
  c:
    wait_for: { signal: go, timeout: 7d }
`,
        'defaults:\n  timeout: 10m\n  retry: { initial_interval: 2s, non_retryable_errors: [HttpClientError] }\ntimeout: 2h\n',
      ),
      manual(),
    );
    const [a, b, c] = graph.nodes;
    expect(a?.retry).toEqual({
      maximum_attempts: 5,
      initial_interval_ms: 2000,
      backoff_coefficient: 2,
      maximum_interval_ms: 300_000,
      jitter: 0.2,
      non_retryable_errors: ['HttpClientError'],
    });
    expect(a?.timeouts).toEqual({
      attempt_ms: 600_000,
      queue_ms: null,
      deadline_ms: null,
      heartbeat_ms: 30_000,
    });
    expect(a?.if).toBe('success()');
    expect(b?.action).toEqual({ kind: 'timer', duration_ms: 5_400_000 });
    expect(c?.action).toEqual({ kind: 'signal', signal: 'go', timeout_ms: 7 * 86_400_000 });
    expect(graph.timeout_ms).toBe(7_200_000);
    expect(graph.trigger).toEqual({
      name: 'manual',
      forge: 'github',
      kind: 'manual',
      action: null,
    });
  });

  it('keeps templates for the runtime: input, poll, if, report, env and concurrency', () => {
    const { graph } = graphOf(
      pipeline(
        `  build:
    uses: http.request
    with: { method: POST, url: "\${{ env.API }}/b", json: { sha: "\${{ event.sha }}" } }
    poll:
      uses: http.request
      with: { url: "\${{ env.API }}/b/\${{ output.body.id }}" }
      every: 30s
      until: "\${{ output.body.done }}"
      backoff_coefficient: 2
      maximum_interval: 10m
    env: { LEVEL: 3 }
    if: \${{ event.kind != 'manual' }}
    report: "build:\${{ event.branch }}"
`,
        'env: { API: "https://b.example", LEVEL: 1 }\nconcurrency: "\${{ event.repo.full_name }}"\n',
      ),
      push('main'),
    );
    const node = graph.nodes[0]!;
    expect(node.action).toEqual({
      kind: 'activity',
      handler: 'http.request',
      input: { method: 'POST', url: '${{ env.API }}/b', json: { sha: '${{ event.sha }}' } },
      poll: {
        handler: 'http.request',
        input: { url: '${{ env.API }}/b/${{ output.body.id }}' },
        every_ms: 30_000,
        until: 'output.body.done',
        timeout_ms: null,
        backoff_coefficient: 2,
        maximum_interval_ms: 600_000,
        retry: expect.objectContaining({ maximum_attempts: 3 }) as unknown,
        signal: null,
      },
    });
    expect(node.if).toBe("event.kind != 'manual'");
    expect(node.report).toBe('build:${{ event.branch }}');
    expect(node.env).toEqual({ API: 'https://b.example', LEVEL: '3' });
    expect(graph.concurrency).toEqual({
      group: '${{ event.repo.full_name }}',
      cancel_in_progress: false,
    });
  });

  it('leaves out jobs whose own on: excludes the trigger, and the jobs that need them', () => {
    const result = graphOf(
      pipeline(`  build:
    uses: exec
    with: { command: [make] }
  deploy:
    on: [push]
    needs: build
    uses: exec
    with: { command: [deploy] }
  announce:
    needs: deploy
    uses: forge.comment
    with: { body: deployed }
`),
      pullRequest('opened'),
    );
    expect(result.graph.nodes.map((n) => n.id)).toEqual(['build']);
    expect(result.excluded).toEqual([
      { job: 'deploy', reason: 'job runs only on push' },
      { job: 'announce', reason: 'needs "deploy", which is not in this run' },
    ]);
  });

  it('names the pipeline after its file unless it has a name', () => {
    const text = pipeline('  a:\n    sleep: 1s\n');
    expect(graphOf(text, manual()).graph.pipeline).toBe('pipeline');
    expect(graphOf(`name: nightly\n${text}`, manual()).graph.pipeline).toBe('nightly');
  });
});
