/**
 * A node's log lines on a terminal, as `docker compose` prints its services': `build[x] | line`,
 * the prefix coloured per node on a TTY (never under NO_COLOR: io.color says). A line keeps its
 * own ANSI colours (SGR) only when colour is on; every other control sequence a program wrote
 * (cursor moves, titles, clears) is shown as an escape, so it cannot rewrite the terminal.
 */
import type { LogLine } from '../contracts/node-log.js';
import { paint, type Io } from './io.js';
import { printable } from './terminal-text.js';

const NODE_COLOURS = ['cyan', 'yellow', 'green', 'magenta', 'blue', 'red'] as const;
const SGR = /\x1b\[[0-9;]{0,32}m/g;

export class LogPrinter {
  private readonly colours = new Map<string, (typeof NODE_COLOURS)[number]>();

  constructor(
    private readonly io: Io,
    /** Prefixes are padded to this width so lines align. */
    private readonly width = 0,
  ) {}

  /** The text to print for one line (ending with a newline), and a gap marker before it. */
  format(nodeId: string, line: Pick<LogLine, 'text' | 'stream'>, dropped = 0): string {
    const prefix = `${this.prefix(nodeId)} | `;
    const gap =
      dropped > 0 ? `${prefix}${paint(this.io, 'gray', `… ${dropped} lines dropped`)}\n` : '';
    const text = this.io.color ? keepColours(line.text) : printable(line.text.replace(SGR, ''));
    const shown = line.stream === 'system' ? paint(this.io, 'dim', text) : text;
    return `${gap}${prefix}${shown}${this.io.color ? '\x1b[0m' : ''}\n`;
  }

  private prefix(nodeId: string): string {
    let colour = this.colours.get(nodeId);
    if (colour === undefined) {
      colour = NODE_COLOURS[this.colours.size % NODE_COLOURS.length]!;
      this.colours.set(nodeId, colour);
    }
    return paint(this.io, colour, printable(nodeId).padEnd(this.width));
  }
}

/** SGR sequences kept as they are; everything else unprintable made visible. */
function keepColours(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SGR)) {
    out += printable(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + printable(text.slice(last));
}
