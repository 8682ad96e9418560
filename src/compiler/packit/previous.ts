/**
 * What the latest run of a pull request left behind, for `/packit retest-failed`,
 * `/packit rebuild-failed` and `/packit test`: which statuses failed, and the Copr builds that
 * succeeded (so re-run tests install them instead of building again). The caller (the plan
 * step) reads them through the runtime's run control; the compiler only looks them up.
 */
import type { PreviousNode } from '../../contracts/run-control.js';
import type { CoprBuildRef } from './handler-inputs.js';

export type { PreviousNode };

const FAILED = new Set(['failed', 'timed_out']);

export class PreviousRun {
  private readonly failed = new Set<string>();
  private readonly byName = new Map<string, PreviousNode>();

  constructor(nodes: readonly PreviousNode[]) {
    for (const node of nodes) {
      this.byName.set(node.node, node);
      if (node.report !== null) this.byName.set(node.report, node);
      if (!FAILED.has(node.status)) continue;
      this.failed.add(node.node);
      if (node.report !== null) this.failed.add(node.report);
    }
  }

  get anyFailed(): boolean {
    return this.failed.size > 0;
  }

  /** Did the node with this status name (or, failing that, this id) fail? */
  didFail(status: string, nodeId: string): boolean {
    return this.failed.has(status) || this.failed.has(nodeId);
  }

  /**
   * A Copr build to reuse for tests: the successful build node's output, or the build the
   * earlier tests node installed (a re-run's run holds no build node).
   */
  buildRef(
    build: { status: string; id: string },
    test: { status: string; id: string },
  ): CoprBuildRef | null {
    const node = this.byName.get(build.status) ?? this.byName.get(build.id);
    if (node?.status === 'succeeded' && isBuildRef(node.output)) return node.output;
    const tests = this.byName.get(test.status) ?? this.byName.get(test.id);
    const input = tests?.input as { copr_build?: unknown } | undefined;
    return isBuildRef(input?.copr_build) ? input.copr_build : null;
  }
}

function isBuildRef(value: unknown): value is CoprBuildRef {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Record<string, unknown>;
  return typeof ref.build_id === 'number' && typeof ref.chroot === 'string';
}
