/**
 * Whether `serve` can listen where it is told to, asked before it makes and prints secrets:
 * a port in use is one sentence and exit 1, not a stack trace after "shown this once".
 */
import { createServer } from 'node:net';
import { CommandFailed } from './io.js';

export function portInUse(host: string, port: number): CommandFailed {
  return new CommandFailed(
    `port ${port} on ${host} is in use (another forgeflow serve?); choose another with --port or PORT`,
  );
}

/** Listens and closes at once; throws CommandFailed when the address is taken or not ours. */
export function ensurePortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(portInUse(host, port));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        reject(new CommandFailed(`cannot listen on ${host}: no such address on this machine`));
      else if (error.code === 'EACCES')
        reject(
          new CommandFailed(`port ${port} needs privileges; choose one above 1023 with --port`),
        );
      else reject(error);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
