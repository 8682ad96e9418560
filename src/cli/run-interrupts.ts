/**
 * Ctrl-C (SIGINT) and SIGTERM while `forgeflow run` runs, as Temporal's and GitHub Actions'
 * users expect them: the first cancels the run and waits for the cancel to settle; a second
 * leaves at once, the run unfinished in the data directory. Listening replaces Node's default
 * (exit at once), so `dispose()` gives it back when the command ends.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export class Interrupts {
  /** The first stop signal's name. */
  readonly first: Promise<string>;
  /** Aborted by the second stop signal; its reason is that signal's name. */
  readonly leave: AbortSignal;
  private readonly leaving = new AbortController();
  private readonly listeners = new Map<string, () => void>();

  constructor(private readonly signals: NodeJS.EventEmitter) {
    this.leave = this.leaving.signal;
    let count = 0;
    this.first = new Promise((resolve) => {
      for (const name of STOP_SIGNALS) {
        const listener = () => {
          count += 1;
          if (count === 1) resolve(name);
          else this.leaving.abort(name);
        };
        this.listeners.set(name, listener);
        signals.on(name, listener);
      }
    });
  }

  dispose(): void {
    for (const [name, listener] of this.listeners) this.signals.off(name, listener);
    this.listeners.clear();
  }
}

/** The exit code of a command stopped by `signal`, as a shell reports it (128 + its number). */
export function exitCodeOf(signal: string): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
