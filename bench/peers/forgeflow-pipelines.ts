/**
 * forgeflow's side of the peers bench shares these with bench/runtime.ts's shapes: the no-op
 * handler's spec (the main process compiles against it, the worker process runs it) and the
 * two pipelines, one job and a chain j1 → j2 → … → jN.
 */
import type { HandlerSpec } from '../../src/compiler/index.js';

export const NOOP: HandlerSpec = {
  name: 'bench.noop',
  description: 'Does nothing (bench only).',
  input: { type: 'object' },
};

export const SINGLE_NODE =
  'version: 1\nname: bench-single\non: [manual]\njobs:\n  noop:\n    uses: bench.noop\n';

export function chainPipeline(count: number): string {
  const jobs = Array.from({ length: count }, (_, i) =>
    [`  j${i + 1}:`, ...(i > 0 ? [`    needs: [j${i}]`] : []), '    uses: bench.noop'].join('\n'),
  );
  return `version: 1\nname: bench-chain\non: [manual]\njobs:\n${jobs.join('\n')}\n`;
}
