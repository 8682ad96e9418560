/**
 * Live progress of one run for `forgeflow run`: on a terminal, one line per node redrawn in
 * place; otherwise (CI logs, pipes) one plain line per change.
 */
import type { Graph } from '../contracts/graph.js';
import type { RuntimeEvent } from '../runtime/events.js';
import type { NodeStatus } from '../runtime/states.js';
import { paint, type Io } from './io.js';

/** A node's status as the runtime names it, shown with a space in "timed out". */
type State = NodeStatus;
const label = (state: State): string => state.replace('_', ' ');

/** A node status's colour on a terminal (`forgeflow runs` uses these too). */
export const NODE_STYLE: Record<State, Parameters<typeof paint>[1]> = {
  pending: 'gray',
  scheduled: 'gray',
  running: 'cyan',
  retrying: 'yellow',
  waiting: 'blue',
  succeeded: 'green',
  failed: 'red',
  timed_out: 'red',
  skipped: 'gray',
  canceled: 'gray',
};

export class Progress {
  private readonly states = new Map<string, { state: State; note: string }>();
  private drawn = 0;

  constructor(
    private readonly io: Io,
    private readonly graph: Graph,
    private readonly live: boolean,
  ) {
    for (const node of graph.nodes) this.states.set(node.id, { state: 'pending', note: '' });
  }

  /** Feeds one runtime event of this run. */
  update(event: RuntimeEvent): void {
    const change = this.describe(event);
    if (!change) return;
    const [nodeId, state, note] = change;
    this.states.set(nodeId, { state, note });
    if (this.live) this.redraw();
    else this.io.out(`${nodeId}: ${label(state)}${note ? ` (${note})` : ''}\n`);
  }

  /** A poll of `nodeId`'s child run answered, and was not done yet. */
  polled(nodeId: string, polls: number, nextAt: number): void {
    const note = `polled ${polls} time${polls === 1 ? '' : 's'}; next at ${new Date(nextAt).toISOString()}`;
    this.states.set(nodeId, { state: 'waiting', note });
    if (this.live) this.redraw();
    else this.io.out(`${nodeId}: waiting (${note})\n`);
  }

  /** Lines to say between progress updates; on a terminal, above the nodes redrawn below them. */
  note(text: string): void {
    if (!this.live) return this.io.out(text);
    // Up to the table's first line, clear from there down, say it, draw the table again.
    this.io.out((this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : '') + text);
    this.drawn = 0;
    this.redraw();
  }

  private describe(event: RuntimeEvent): [string, State, string] | undefined {
    switch (event.type) {
      case 'node:scheduled':
        return [event.nodeId, 'scheduled', ''];
      case 'node:started':
        return [event.nodeId, 'running', event.attempt > 1 ? `attempt ${event.attempt}` : ''];
      case 'node:retrying':
        return [
          event.nodeId,
          'retrying',
          `${event.error.type}: ${event.error.message}; again in ${Math.round(event.delayMs / 100) / 10}s`,
        ];
      case 'timer:started':
        return [event.nodeId, 'waiting', `until ${new Date(event.fireAt).toISOString()}`];
      case 'node:waiting':
        return [event.nodeId, 'waiting', `for signal "${event.signal}"`];
      case 'child:started':
        return [event.nodeId, 'waiting', `polling in child run ${event.childRunId}`];
      case 'node:canceled':
        return [event.nodeId, 'canceled', event.reason];
      case 'node:completed':
        return [event.nodeId, 'succeeded', ''];
      case 'node:failed':
        return [
          event.nodeId,
          event.timedOut ? 'timed_out' : 'failed',
          `${event.error.type}: ${event.error.message}`,
        ];
      case 'node:skipped':
        return [event.nodeId, 'skipped', event.reason];
      default:
        return undefined;
    }
  }

  private redraw(): void {
    const width = Math.min(48, Math.max(...this.graph.nodes.map((n) => n.id.length)));
    const lines = [...this.states].map(([id, { state, note }]) => {
      const text = `${id.padEnd(width)}  ${paint(this.io, NODE_STYLE[state], label(state).padEnd(9))}  ${note}`;
      return text.length > 160 ? `${text.slice(0, 159)}…` : text;
    });
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.io.out(up + lines.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
    this.drawn = lines.length;
  }
}
