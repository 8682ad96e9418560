/**
 * From the selected job views to the nodes of the graph, one per (view, target): which
 * targets each view runs on (all of them, or only what failed for `retest-failed` /
 * `rebuild-failed`), and which build each test needs (pairing.ts), a build reused from the
 * previous run, or none (`skip_build`). Targets dropped on the way come back with a reason.
 */
import type { Event } from '../../events/event.js';
import type { PackitEvent } from './event-trigger.js';
import { baseJobId, nodeId } from './ids.js';
import { ONE_BRANCH_JOBS } from './job-filters.js';
import { describeView, type JobMiss } from './match.js';
import { buildFor, candidateBuilds } from './pairing.js';
import type { PreviousRun } from './previous.js';
import type { CoprBuildRef } from './handler-inputs.js';
import { statusName, STATUS_JOB_NAMES } from './status-names.js';
import { testTargets, type TestTarget } from './test-environments.js';
import type { JobView, ReleasesTable, Target } from './types.js';
import { viewTargets, type ViewTargets } from './view-targets.js';

export type BuildLink =
  { kind: 'node'; view: JobView; target: string } | { kind: 'reused'; ref: CoprBuildRef } | null;

export interface PlannedNode {
  view: JobView;
  /** The chroot, Koji target or dist-git branch; for tests, the test target (its name). */
  target: Target | null;
  /** Tests: the test target (distro, arch, compose); its build is `build`'s chroot. */
  test?: TestTarget;
  /** The commit status name (Packit's). */
  status: string;
  /** Tests: the build they install. Bodhi updates: the Koji build of their branch, if planned. */
  build: BuildLink;
}

export interface PlanInput {
  event: Event;
  on: PackitEvent;
  /** Every view of the config (builds a test needs may not be selected themselves). */
  all: readonly JobView[];
  selected: readonly JobView[];
  monorepo: boolean;
  releases: ReleasesTable;
  /** Expanded targets computed while validating, reused here. */
  targets: Map<JobView, ViewTargets>;
  previous: PreviousRun | null;
}

export interface Plan {
  nodes: PlannedNode[];
  misses: JobMiss[];
}

const TEST_COMMANDS = new Set(['test', 'retest-failed']);

export function planNodes(input: PlanInput): Plan {
  return new Planner(input).run();
}

class Planner {
  private readonly planned = new Map<JobView, Map<string, PlannedNode>>();
  private readonly misses: JobMiss[] = [];
  private readonly command: string | null;

  constructor(private readonly input: PlanInput) {
    this.command = input.on.command?.name ?? null;
  }

  run(): Plan {
    const byType = (types: string[]) => this.input.selected.filter((v) => types.includes(v.type));
    for (const view of byType(['copr_build'])) this.planBuilds(view);
    for (const view of byType(['tests'])) this.planTests(view);
    for (const view of byType(['koji_build'])) this.planPlain(view);
    for (const view of this.input.selected.filter(
      (v) => !['copr_build', 'tests', 'koji_build'].includes(v.type),
    ))
      this.planPlain(view);
    const order = new Map(this.input.all.map((v, i) => [v, i]));
    const views = [...this.planned.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
    return { nodes: views.flatMap((v) => [...this.planned.get(v)!.values()]), misses: this.misses };
  }

  private targetsOf(view: JobView, buildTargets?: readonly string[]): ViewTargets {
    const cached = this.input.targets.get(view);
    if (cached && (cached.explicit || buildTargets === undefined)) return cached;
    const computed = viewTargets(view, this.input.releases, buildTargets);
    if (buildTargets === undefined) this.input.targets.set(view, computed);
    return computed;
  }

  private names(view: JobView): string[] {
    return this.targetsOf(view).targets.map((t) => t.name);
  }

  private status(view: JobView, target: string | null): string {
    return statusName({
      job: STATUS_JOB_NAMES[view.type],
      target,
      identifier: view.identifier,
      trigger: view.trigger,
      branchOrTag: this.input.on.ref,
      template:
        typeof view.config.status_name_template === 'string'
          ? view.config.status_name_template
          : null,
      package: view.package,
    });
  }

  private add(view: JobView, target: Target | null, build: BuildLink, test?: TestTarget): void {
    const nodes = this.planned.get(view) ?? new Map<string, PlannedNode>();
    this.planned.set(view, nodes);
    const key = target?.name ?? '';
    if (!nodes.has(key)) {
      const status = this.status(view, target?.name ?? null);
      nodes.set(key, { view, target, status, build, ...(test ? { test } : {}) });
    }
  }

  private has(view: JobView, target: string): boolean {
    return this.planned.get(view)?.has(target) ?? false;
  }

  private miss(view: JobView, target: string | null, reason: string): void {
    const job = describeView(view, this.input.monorepo);
    this.misses.push({ job: target === null ? job : `${job} on ${target}`, reason });
  }

  private failed(view: JobView, target: string): boolean {
    const status = this.status(view, target);
    return this.input.previous?.didFail(status, nodeId(baseJobId(view), target)) ?? false;
  }

  private planBuilds(view: JobView): void {
    for (const target of this.targetsOf(view).targets) {
      if (this.command === 'rebuild-failed' && !this.failed(view, target.name)) continue;
      this.add(view, target, null);
    }
  }

  /**
   * One node per test target (testTargets): a chroot's own distribution, its EPEL's CentOS, or
   * each of its `distros`, all installing the build of that chroot.
   */
  private planTests(view: JobView): void {
    const candidates = view.skip_build ? [] : candidateBuilds(view, this.input.all);
    const first = candidates[0];
    const chroots = this.targetsOf(view, first ? this.names(first) : undefined).targets;
    for (const chroot of chroots) {
      const tests = testTargets(chroot.name, chroot.attrs).filter(
        (t) =>
          !this.has(view, t.name) &&
          !(this.command === 'retest-failed' && !this.failed(view, t.name)),
      );
      if (tests.length === 0) continue;
      const add = (link: BuildLink) => {
        for (const test of tests)
          this.add(view, { name: test.name, attrs: chroot.attrs }, link, test);
      };
      if (view.skip_build) {
        add(null);
        continue;
      }
      const build = buildFor(chroot.name, candidates, (b) => this.names(b));
      if (!build) {
        this.miss(
          view,
          chroot.name,
          `no copr_build job with trigger ${view.trigger} builds ${chroot.name} for package ${view.package}`,
        );
        continue;
      }
      const link = this.linkBuild(view, chroot.name, tests[0]!.name, build);
      if (link !== undefined) add(link);
    }
  }

  /**
   * The build the tests of a chroot need: a node of this run, a build of the previous one, or
   * none. `testTarget`: one of the chroot's test targets, whose earlier node may name its build.
   */
  private linkBuild(
    test: JobView,
    target: string,
    testTarget: string,
    build: JobView,
  ): BuildLink | undefined {
    const node: BuildLink = { kind: 'node', view: build, target };
    if (this.has(build, target)) return node;
    if (this.command !== null && TEST_COMMANDS.has(this.command)) {
      const ref = this.input.previous?.buildRef(
        { status: this.status(build, target), id: nodeId(baseJobId(build), target) },
        { status: this.status(test, testTarget), id: nodeId(baseJobId(test), testTarget) },
      );
      if (ref) return { kind: 'reused', ref };
      // /packit test builds first when there is no build to test (as packit-service does).
      this.add(build, this.targetsOf(build).targets.find((t) => t.name === target) ?? null, null);
      return node;
    }
    // rebuild-failed re-runs the tests of the rebuilt targets only.
    if (this.command === 'rebuild-failed') return undefined;
    this.miss(
      test,
      target,
      `its build ${describeView(build, this.input.monorepo)} is not in this run`,
    );
    return undefined;
  }

  /**
   * A dist-git job acts on the pushed branch (or the commented pull request's target branch)
   * when its `dist_git_branches` list it, and on nothing else; `koji-tag --all-branches` and a
   * command outside a pull request act on every branch.
   */
  private branchesToAct(view: JobView, targets: readonly Target[]): readonly Target[] {
    const { ref, command } = this.input.on;
    if (!ONE_BRANCH_JOBS.has(view.type) || ref === null || command?.all_branches) return targets;
    const mine = targets.filter((t) => t.name === ref);
    if (mine.length === 0)
      this.miss(
        view,
        null,
        `acts on the dist-git branch of the event, "${ref}", which its dist_git_branches (${targets.map((t) => t.name).join(', ') || 'none'}) do not list`,
      );
    return mine;
  }

  /** One node per target (or one without a target); a Bodhi update waits for its Koji build. */
  private planPlain(view: JobView): void {
    const { targets, key } = this.targetsOf(view);
    if (key === null) {
      this.add(view, null, null);
      return;
    }
    for (const target of this.branchesToAct(view, targets)) {
      const koji =
        view.type === 'bodhi_update'
          ? [...this.planned.keys()].find(
              (v) =>
                v.type === 'koji_build' && v.package === view.package && this.has(v, target.name),
            )
          : undefined;
      this.add(view, target, koji ? { kind: 'node', view: koji, target: target.name } : null);
    }
  }
}
