/**
 * The log lines of a run being run here (`forgeflow run`), printed as they are stored: woken by
 * NOTIFY on forgeflow_logs (in-process on the embedded database), each node read from where it
 * was, gaps (lines the size limit dropped) said as such. `drain()` reads what is left at the end.
 */
import type { Db } from '../db/db.js';
import type { LogLine } from '../contracts/node-log.js';
import { readLog } from '../runtime/logs/read.js';
import { LOG_CHANNEL } from '../runtime/logs/store.js';

export interface TailLine {
  nodeId: string;
  line: LogLine;
  /** Lines dropped just before this one. */
  dropped: number;
}

export class RunLogTail {
  private readonly after = new Map<string, number>();
  private reading: Promise<void> = Promise.resolve();
  private again = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    /** Lines read together, to print at once. */
    private readonly print: (lines: TailLine[]) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(LOG_CHANNEL, (runId) => {
      if (runId === this.runId) this.read();
    });
  }

  /** Prints every line stored so far (a node's end waits for this: its lines come first). */
  catchUp(): Promise<void> {
    this.read();
    return this.reading;
  }

  /** Stops listening and prints every line not printed yet. */
  async drain(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
    this.read();
    await this.reading;
  }

  private read(): void {
    if (this.again) return;
    this.again = true;
    this.reading = this.reading.then(async () => {
      this.again = false;
      await this.readAll().catch(() => undefined);
    });
  }

  private async readAll(): Promise<void> {
    const { rows } = await this.db.query<{ node_id: string; next_line: number }>(
      'SELECT node_id, next_line FROM forgeflow.node_log_totals WHERE run_id = $1',
      [this.runId],
    );
    const read: TailLine[] = [];
    for (const { node_id: nodeId, next_line: next } of rows) {
      let after = this.after.get(nodeId) ?? 0;
      while (after < next - 1) {
        const page = await readLog(this.db, this.runId, nodeId, { after, limit: 1000 });
        for (const line of page.lines) {
          read.push({ nodeId, line, dropped: line.n - after - 1 });
          after = line.n;
        }
        if (!page.more) break;
      }
      this.after.set(nodeId, after);
    }
    if (read.length > 0) this.print(read);
  }
}
