/**
 * The git side of a release sync, through checkout's GitTool (argv only, the hardened
 * environment, an empty HOME): clone the dist-git branch, commit the change, force-push it to
 * the fork's branch. The push authenticates with an `http.extraHeader` passed in git's
 * environment, never on its command line, and git's words are masked before they are shown.
 */
import { HandlerError } from '../../contracts/errors.js';
import type { Masker } from '../../common/mask.js';
import { gitSaid } from '../checkout/failures.js';
import { GitTool } from '../checkout/git-tool.js';
import type { GitProtocol } from '../checkout/git-env.js';

const REFUSED =
  /returned error: 40[13]|Authentication failed|Access denied|could not read (?:Username|Password)|terminal prompts disabled|permission denied/i;

/** dist-git has no such package or branch: asking again will not make one. */
const MISSING =
  /Remote branch .* not found|returned error: 404|repository .* not found|does not appear to be a git repository/i;

export interface DistGitRemote {
  /** `<url>/rpms/<pkg>.git`. */
  upstream: string;
  /** `<url>/forks/<user>/rpms/<pkg>.git`. */
  fork: string;
  /** `Basic base64(user:token)`, for the push. */
  authorization: string;
}

export class DistGitWork {
  private readonly git: GitTool;
  private readonly protocols: GitProtocol[];

  constructor(
    private readonly dir: string,
    home: string,
    signal: AbortSignal,
    masker: Masker,
    private readonly remote: DistGitRemote,
  ) {
    this.git = new GitTool(home, signal, masker, () => undefined);
    this.protocols = remote.upstream.startsWith('https:') ? ['https'] : ['https', 'http'];
  }

  /** The branch, all its history (the fork may lack recent commits). */
  async clone(branch: string): Promise<void> {
    const result = await this.git.run(
      [
        ...['clone', '--quiet', '--no-tags', '--single-branch', '--template='],
        ...['--branch', branch, '--', this.remote.upstream, this.dir],
      ],
      { protocols: this.protocols },
    );
    if (result.code !== 0)
      throw this.failure(`cloning ${this.remote.upstream} at ${branch}`, result.stderr);
  }

  /** Whether the working tree differs from the clone. */
  async changed(): Promise<boolean> {
    await this.must(['-C', this.dir, 'add', '--all', '--', '.'], 'staging the change');
    const diff = await this.git.run(['-C', this.dir, 'diff', '--cached', '--quiet']);
    return diff.code === 1;
  }

  /** Commits the staged change with the message in `messageFile`; resolves to the commit's id. */
  async commit(
    messageFile: string,
    author: { name: string; email: string },
    at: Date,
  ): Promise<string> {
    const when = `${Math.floor(at.getTime() / 1000)} +0000`;
    await this.must(
      [
        ...['-C', this.dir, '-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`],
        ...['commit', '--quiet', '--no-verify', '--no-gpg-sign', `--date=${when}`],
        ...['--file', messageFile],
      ],
      'committing',
    );
    return (await this.must(['-C', this.dir, 'rev-parse', 'HEAD'], 'reading the commit')).trim();
  }

  /** Force-pushes HEAD to the fork's `branch`: a retried sync replaces its own earlier push. */
  async push(branch: string): Promise<void> {
    const result = await this.git.run(
      [
        '-C',
        this.dir,
        'push',
        '--quiet',
        '--force',
        '--',
        this.remote.fork,
        `HEAD:refs/heads/${branch}`,
      ],
      {
        protocols: this.protocols,
        config: [['http.extraHeader', `Authorization: ${this.remote.authorization}`]],
      },
    );
    if (result.code !== 0) throw this.failure(`pushing to ${this.remote.fork}`, result.stderr);
  }

  private async must(args: string[], what: string): Promise<string> {
    const result = await this.git.run(args);
    if (result.code !== 0) throw this.failure(what, result.stderr);
    return result.stdout;
  }

  private failure(what: string, stderr: string): HandlerError {
    const said = gitSaid(stderr, this.git.masker);
    if (MISSING.test(stderr))
      return new HandlerError('DistGitBadInput', `dist-git: ${what}: ${said}`, {
        nonRetryable: true,
      });
    if (REFUSED.test(stderr))
      return new HandlerError('DistGitAuthError', `dist-git refused ${what}: ${said}`, {
        nonRetryable: true,
      });
    return new HandlerError('DistGitFailed', `dist-git: ${what} failed: ${said}`);
  }
}
