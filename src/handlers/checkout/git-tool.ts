/**
 * git as one checkout uses it: every command with the hardened environment (git-env.ts) in the
 * attempt's own empty HOME, under the checkout's signal (the attempt's, and the checkout's
 * time limit), and a HandlerError that says which of the two stopped it.
 */
import { HandlerError } from '../../contracts/errors.js';
import type { Masker } from '../../common/mask.js';
import { failed, gitSaid } from './failures.js';
import { gitEnv, type GitProtocol } from './git-env.js';
import { runGit, type GitResult } from './git.js';

export interface GitOptions {
  protocols?: readonly GitProtocol[];
  config?: readonly (readonly [string, string])[];
}

export class GitTool {
  constructor(
    private readonly home: string,
    readonly signal: AbortSignal,
    readonly masker: Masker,
    private readonly timedOut: () => string | undefined,
  ) {}

  /** git's result, whatever its exit code; throws only when it was stopped or could not start. */
  async run(args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
    const env = gitEnv({
      home: this.home,
      protocols: options.protocols ?? [],
      ...(options.config ? { config: options.config } : {}),
    });
    const result = await runGit({ args, env, signal: this.signal }).catch((error: Error) => {
      throw failed(`could not start git: ${error.message}`, error);
    });
    if (this.signal.aborted) throw this.stopped();
    return result;
  }

  /** git's stdout; a non-zero exit fails the checkout (retryably) with `what` and git's words. */
  async ok(args: readonly string[], what: string, options: GitOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw failed(`${what}: ${gitSaid(result.stderr, this.masker)}`);
    return result.stdout;
  }

  /** Whether git exits 0 (a question such as `cat-file -e`). */
  async holds(args: readonly string[], options: GitOptions = {}): Promise<boolean> {
    return (await this.run(args, options)).code === 0;
  }

  stopped(): HandlerError {
    const timeout = this.timedOut();
    if (timeout !== undefined) return failed(timeout);
    return new HandlerError('Aborted', 'checkout aborted');
  }
}
