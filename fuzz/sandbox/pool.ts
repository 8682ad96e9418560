/**
 * A few sandboxes running one target's cases side by side (one per core by default). A case
 * that hangs is tried once more in a fresh child before it counts as a hang, so a machine
 * busy for a moment does not make a finding; a real hang hangs twice.
 */
import { Sandbox, type CaseRun, type LateDeath, type SandboxOptions } from './sandbox.js';

export type PooledRun = CaseRun & {
  /** Set when the first try hung and the second did not: how long the first one ran. */
  hungOnceMs?: number;
  /** Children of this sandbox that died after answering an earlier case (its tag). */
  lateDeaths: LateDeath[];
};

export class Pool {
  private readonly sandboxes: Sandbox[];
  private readonly free: Sandbox[] = [];
  private readonly waiting: ((sandbox: Sandbox) => void)[] = [];

  constructor(
    options: SandboxOptions,
    size: number,
    private readonly confirmHangs = true,
  ) {
    this.sandboxes = Array.from({ length: Math.max(1, size) }, () => new Sandbox(options));
  }

  /** Starts every child; the runner's info (from the first). */
  async start(): Promise<unknown> {
    const infos = await Promise.all(this.sandboxes.map((s) => s.start()));
    this.free.push(...this.sandboxes);
    return infos[0];
  }

  /** How many children cases killed or had stopped (each is replaced for the next case). */
  get lost(): number {
    return this.sandboxes.reduce((sum, s) => sum + s.lost, 0);
  }

  async run(input: unknown, tag: number | null = null): Promise<PooledRun> {
    const sandbox = await this.acquire();
    try {
      const first = await sandbox.run(input, tag);
      if (first.kind !== 'hang' || !this.confirmHangs)
        return { ...first, lateDeaths: sandbox.drainLateDeaths() };
      const second = await sandbox.run(input, tag);
      const lateDeaths = sandbox.drainLateDeaths();
      return second.kind === 'hang'
        ? { ...second, lateDeaths }
        : { ...second, hungOnceMs: first.ms, lateDeaths };
    } finally {
      this.release(sandbox);
    }
  }

  /** Stops every child; the deaths after the last answers that no run reported yet. */
  async stop(): Promise<LateDeath[]> {
    await Promise.all(this.sandboxes.map((s) => s.stop()));
    return this.sandboxes.flatMap((s) => s.drainLateDeaths());
  }

  private acquire(): Promise<Sandbox> {
    const sandbox = this.free.pop();
    if (sandbox) return Promise.resolve(sandbox);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(sandbox: Sandbox): void {
    const next = this.waiting.shift();
    if (next) next(sandbox);
    else this.free.push(sandbox);
  }
}
