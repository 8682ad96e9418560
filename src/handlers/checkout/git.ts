/**
 * One git command for `checkout`: argv only (never a shell), the environment it is given and
 * nothing of the worker's, bounded output, and its whole process group killed when `signal`
 * aborts (a timeout, a cancel), so no git or git-remote-https outlives the attempt.
 */
import { spawn } from 'node:child_process';

/** git's messages are short; a runaway is cut here. */
const OUTPUT_CAP = 64 * 1024;

export interface GitRun {
  args: readonly string[];
  env: Record<string, string>;
  signal: AbortSignal;
}

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Resolves with how git ended (any exit code); rejects only when git could not start. */
export function runGit(run: GitRun): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    if (run.signal.aborted) {
      resolve({ code: null, stdout: '', stderr: 'aborted before git started' });
      return;
    }
    const child = spawn('git', [...run.args], {
      env: run.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = bounded(child.stdout);
    const stderr = bounded(child.stderr);
    const kill = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    run.signal.addEventListener('abort', kill, { once: true });
    child.once('error', (error) => {
      run.signal.removeEventListener('abort', kill);
      reject(error);
    });
    child.once('close', (code) => {
      run.signal.removeEventListener('abort', kill);
      resolve({ code, stdout: stdout(), stderr: stderr() });
    });
  });
}

/** The first OUTPUT_CAP bytes of a stream, as text. */
function bounded(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= OUTPUT_CAP) return;
    chunks.push(chunk.subarray(0, OUTPUT_CAP - size));
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).toString('utf8');
}
