/**
 * A sandbox runner that does what its case says (answer, loop forever, exhaust the heap, exit,
 * throw, die after answering), so the tests can see the sandbox count each as it should.
 */
import type { Runner } from '../../fuzz/sandbox/protocol.js';

export function prepare(): Promise<Runner> {
  return Promise.resolve({
    info: { pid: process.pid },
    run(input: unknown): Promise<unknown> {
      switch (input) {
        case 'loop':
          for (;;);
        case 'allocate': {
          const hoard: number[][] = [];
          for (;;) hoard.push(new Array<number>(1_000_000).fill(1));
        }
        case 'exit':
          process.exit(3);
        case 'throw':
          throw new Error('thrown by the case');
        case 'die-later':
          setTimeout(() => process.abort(), 0);
          return Promise.resolve('answered');
        default:
          return Promise.resolve({ echo: input, pid: process.pid });
      }
    },
  });
}
