/**
 * An exclusive lock on a file for the fetches into one mirror, across the attempts of one
 * worker and across worker processes: a kernel lock (flock(2), taken by util-linux's `flock` on
 * our open file), so a worker that dies never leaves it held.
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

export async function withFileLock<T>(
  file: string,
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  const handle = await open(file, 'a', 0o600);
  try {
    await lock(handle.fd, signal);
    return await work();
  } finally {
    // Closing our only descriptor of it releases the lock.
    await handle.close();
  }
}

/** `flock` locks the descriptor it shares with us, and exits; the lock stays with our file. */
function lock(fd: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted while waiting for the mirror'));
      return;
    }
    const child = spawn('flock', ['--exclusive', '3'], {
      stdio: ['ignore', 'ignore', 'pipe', fd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-500)));
    const stop = (): void => void child.kill('SIGKILL');
    signal.addEventListener('abort', stop, { once: true });
    child.once('error', (error) => {
      signal.removeEventListener('abort', stop);
      reject(error);
    });
    child.once('close', (code) => {
      signal.removeEventListener('abort', stop);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            signal.aborted
              ? 'aborted while waiting for the mirror'
              : `flock failed: ${said.trim()}`,
          ),
        );
    });
  });
}
