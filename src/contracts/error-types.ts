/**
 * Every error type forgeflow itself gives an error (a HandlerError's `type`, an ErrorInfo's in
 * attempts, nodes and history): what `retry.non_retryable_errors` may name and the page shows.
 * HandlerError's constructor and `errorInfo` take only these, so the compiler keeps forgeflow's
 * own code to them; docs/errors.md lists them in this order (test/errors-doc.test.ts). Other
 * types are an operator's handler's own, or the name of a JavaScript error a handler threw.
 */

/**
 * Whether a retry policy may retry it: `yes` (unless `non_retryable_errors` names it), `no`
 * (non-retryable, whatever the policy), `depends` (the meaning says when).
 */
export type Retryable = 'yes' | 'no' | 'depends';

export interface ErrorTypeInfo {
  retryable: Retryable;
  /** One line, as docs/errors.md shows it. */
  meaning: string;
}

export const ERROR_TYPES = {
  // The runtime: attempts, nodes and runs.
  Timeout: {
    retryable: 'depends',
    meaning:
      "A time limit passed: an attempt's `timeout` or `heartbeat_timeout` (retried); `queue_timeout`, `deadline`, `wait_for.timeout`, `poll.timeout` or the run's `timeout` (not). `details.kind` says which.",
  },
  WorkerLost: {
    retryable: 'yes',
    meaning:
      'The worker running the attempt stopped extending its lease (it crashed or was cut off).',
  },
  WorkerCrashed: {
    retryable: 'no',
    meaning:
      "The node's worker died 3 times in a row while running it (killed, out of memory, crashed or hung): it is not tried again, whatever its policy.",
  },
  LeaseLost: {
    retryable: 'yes',
    meaning: 'The worker lost the lease of the attempt it was running.',
  },
  WorkerShutdown: {
    retryable: 'yes',
    meaning: 'The worker shut down while the attempt ran.',
  },
  Canceled: {
    retryable: 'no',
    meaning:
      'The attempt was aborted: its run is being stopped, its job failed fast, or a signal ended the poll.',
  },
  Aborted: {
    retryable: 'yes',
    meaning:
      "A handler's call (a request, a program) was aborted before it ended: its attempt timed out or was stopped.",
  },
  HandlerNotFound: {
    retryable: 'no',
    meaning:
      "The worker that took the node has no handler of that name (or none to post the forge's statuses with).",
  },
  InvalidInput: {
    retryable: 'no',
    meaning: "The node's input, evaluated, does not fit its handler's input schema.",
  },
  InvalidOutput: {
    retryable: 'no',
    meaning:
      "The handler's output cannot be stored: not JSON, a NUL character, or a secret that cannot be masked.",
  },
  ExpressionError: {
    retryable: 'no',
    meaning:
      "An expression failed when the run reached it: a node's input or `if`, a poll's `until`, the run's `concurrency.group`.",
  },
  SecretsWithheld: {
    retryable: 'no',
    meaning:
      "The node uses secrets, and its run's config came from an author the repository does not trust.",
  },
  SecretNotFound: {
    retryable: 'no',
    meaning: 'A secret the node uses is set neither for its repository nor globally.',
  },
  HistoryLimitExceeded: {
    retryable: 'no',
    meaning:
      'The run reached the 50,000 history events one run may hold, and was ended there (a retry loop without a deadline, say).',
  },
  ChildRunCanceled: {
    retryable: 'no',
    meaning: "The node's polling child run was canceled.",
  },
  PollFailed: {
    retryable: 'no',
    meaning:
      "The node's polling child run failed with no error of its own (else the node fails with the child's).",
  },
  // Forge clients: the plan step, forge.status, forge.comment, status reports.
  ForgeUnavailable: {
    retryable: 'yes',
    meaning: 'A forge API call got no answer, timed out, or was answered 408 or 5xx.',
  },
  RateLimited: {
    retryable: 'yes',
    meaning:
      'The forge rate-limited the call (429, or 403 with its quota spent); retried no sooner than it asks.',
  },
  ForgeAuthError: {
    retryable: 'no',
    meaning: "The forge refused forgeflow's credentials (401, 403).",
  },
  ForgeRequestError: {
    retryable: 'no',
    meaning:
      'The forge refused the call (another 4xx), or a repository or id no forge URL can hold.',
  },
  ForgeBadResponse: {
    retryable: 'yes',
    meaning: "A forge answered 2xx with a body that is not the documented one (a proxy's page).",
  },
  ForgeFileTooLarge: {
    retryable: 'no',
    meaning: 'A config file at the ref is larger than forgeflow reads.',
  },
  NotConfigured: {
    retryable: 'no',
    meaning:
      'What the node needs is not set up on this server: a forge client; Copr, Testing Farm, Koji, Bodhi or dist-git credentials; or a handler for a Packit job forgeflow does not integrate (koji_build_tag, pull_from_upstream, sync_from_downstream, vm_image_build).',
  },
  // http.request
  HttpServerError: {
    retryable: 'yes',
    meaning: 'An `http.request` was answered 408 or 5xx.',
  },
  HttpRateLimited: {
    retryable: 'yes',
    meaning:
      'An `http.request` was answered 429 (or 403 with its quota spent); retried no sooner than `Retry-After`.',
  },
  HttpClientError: {
    retryable: 'no',
    meaning: 'An `http.request` was answered with another 4xx.',
  },
  HttpNetworkError: {
    retryable: 'yes',
    meaning: 'An `http.request` got no answer (refused, reset, no such host).',
  },
  HttpResponseTooLarge: {
    retryable: 'no',
    meaning: 'An `http.request` was answered with more than 10 MiB.',
  },
  HttpBadUrl: {
    retryable: 'no',
    meaning: "An `http.request`'s `url` is not an http: or https: URL, or carries credentials.",
  },
  HttpBadRequest: {
    retryable: 'no',
    meaning: 'An `http.request` cannot be sent: invalid headers, or a body on a GET or HEAD.',
  },
  // exec
  ExitCode: {
    retryable: 'yes',
    meaning: "An `exec` step's program exited with a code other than 0.",
  },
  Signal: {
    retryable: 'yes',
    meaning: "An `exec` step's program was killed by a signal.",
  },
  ExecBadInput: {
    retryable: 'no',
    meaning:
      'An `exec` input the handler refuses: not exactly one of `command` and `shell`, a bad `env` name or `max_output_bytes`.',
  },
  ExecDisabled: {
    retryable: 'no',
    meaning: '`exec` is disabled on this server: `FORGEFLOW_EXEC_ALLOW` is not set.',
  },
  ExecNotAllowed: {
    retryable: 'no',
    meaning:
      '`FORGEFLOW_EXEC_ALLOW` does not allow the program, or the step sets a variable that would change which program runs.',
  },
  ExecBadCwd: {
    retryable: 'no',
    meaning: "The step's `cwd` does not exist, is not a folder, or is outside the attempt's own.",
  },
  ExecNotFound: {
    retryable: 'no',
    meaning: 'The program (or its interpreter) was not found.',
  },
  ExecSpawnFailed: {
    retryable: 'depends',
    meaning:
      'The program could not be started: not retried when it is not executable (EACCES, ENOEXEC, ENOTDIR), retried otherwise.',
  },
  ExecWorkspaceFailed: {
    retryable: 'yes',
    meaning: "The attempt's working folder could not be made.",
  },
  ExecSandboxFailed: {
    retryable: 'yes',
    meaning: "`exec`'s sandbox could not be set up on this machine.",
  },
  CheckoutDenied: {
    retryable: 'no',
    meaning:
      "`checkout` was refused: the forge refused the credentials or has no such repository, checkout is not configured, or the input names another repository than the event's.",
  },
  CheckoutNoCommit: {
    retryable: 'no',
    meaning: '`checkout`: the repository has no such commit (or pull request head).',
  },
  CheckoutFailed: {
    retryable: 'yes',
    meaning:
      '`checkout` could not fetch the repository (no answer, a 5xx, a timeout) or write the working directory.',
  },
  // forge.status, forge.comment
  NoCommit: {
    retryable: 'no',
    meaning: '`forge.status` without `sha`, for an event that names no commit.',
  },
  NoPullRequest: {
    retryable: 'no',
    meaning: '`forge.comment` without `pr`, for an event about no pull or merge request.',
  },
  SummaryBusy: {
    retryable: 'yes',
    meaning:
      "Another run's summary is being posted on the same pull request and pipeline: this one is posted after it.",
  },
  // Copr (copr.build and its poll)
  CoprBadInput: {
    retryable: 'no',
    meaning: 'A `copr.build` input Copr would refuse (its owner, project, chroot or source).',
  },
  CoprBuildFailed: {
    retryable: 'no',
    meaning: 'The Copr build failed or was canceled.',
  },
  CoprUnavailable: {
    retryable: 'yes',
    meaning: 'Copr gave no answer, timed out, or answered 408 or 5xx.',
  },
  CoprRateLimited: {
    retryable: 'yes',
    meaning: 'Copr answered 429; retried no sooner than it asks.',
  },
  CoprAuthError: {
    retryable: 'no',
    meaning: 'Copr refused the login and token (401, 403).',
  },
  CoprNotFound: {
    retryable: 'no',
    meaning: 'Copr answered 404.',
  },
  CoprRequestError: {
    retryable: 'no',
    meaning: 'Copr refused the request (another 4xx).',
  },
  CoprBadResponse: {
    retryable: 'yes',
    meaning: 'Copr answered 2xx with a body that is not the documented one.',
  },
  // Testing Farm (testing_farm.run and its poll)
  TestsFailed: {
    retryable: 'no',
    meaning: 'Testing Farm ran the tests, and they failed.',
  },
  TestingFarmError: {
    retryable: 'no',
    meaning: 'The Testing Farm request was canceled, or ended without a test result.',
  },
  TestingFarmUnavailable: {
    retryable: 'yes',
    meaning: 'Testing Farm gave no answer, timed out, or answered 408 or 5xx.',
  },
  TestingFarmRateLimited: {
    retryable: 'yes',
    meaning: 'Testing Farm answered 429; retried no sooner than it asks.',
  },
  TestingFarmAuthError: {
    retryable: 'no',
    meaning: 'Testing Farm refused the token (401, 403).',
  },
  TestingFarmNotFound: {
    retryable: 'no',
    meaning: 'Testing Farm has no such request (404).',
  },
  TestingFarmRequestError: {
    retryable: 'no',
    meaning: 'Testing Farm refused the request (another 4xx).',
  },
  TestingFarmBadResponse: {
    retryable: 'yes',
    meaning: 'Testing Farm answered 2xx with a body that is not the documented one.',
  },
  // Koji (koji.build, koji.scratch_build and their poll koji.task)
  KojiBadInput: {
    retryable: 'no',
    meaning:
      'A Koji input forgeflow refuses: a package, branch, target, commit or URL of the wrong shape.',
  },
  KojiBuildFailed: {
    retryable: 'no',
    meaning: 'The Koji build task failed or was canceled.',
  },
  KojiUnavailable: {
    retryable: 'yes',
    meaning: "Koji's hub gave no answer, timed out, answered 408 or 5xx, or said it is offline.",
  },
  KojiAuthError: {
    retryable: 'no',
    meaning: "Koji refused the client certificate's login, or the account may not do this.",
  },
  KojiFault: {
    retryable: 'no',
    meaning: "Koji's hub answered the call with an XML-RPC fault (no such target, bad SCM URL, …).",
  },
  KojiBadResponse: {
    retryable: 'yes',
    meaning:
      "Koji's hub answered with something that is not a bounded, well-formed XML-RPC response.",
  },
  // Bodhi (bodhi.update)
  BodhiBadInput: {
    retryable: 'no',
    meaning:
      'A `bodhi.update` input forgeflow refuses: an NVR, branch or extra parameter of the wrong shape.',
  },
  BodhiUnavailable: {
    retryable: 'yes',
    meaning: 'Bodhi gave no answer, timed out, or answered 408 or 5xx.',
  },
  BodhiRateLimited: {
    retryable: 'yes',
    meaning: 'Bodhi answered 429; retried no sooner than it asks.',
  },
  BodhiAuthError: {
    retryable: 'no',
    meaning: 'Bodhi refused the token (401, 403).',
  },
  BodhiNotFound: {
    retryable: 'no',
    meaning: 'Bodhi answered 404.',
  },
  BodhiRequestError: {
    retryable: 'no',
    meaning: 'Bodhi refused the request (another 4xx): its explanation is in the message.',
  },
  BodhiBadResponse: {
    retryable: 'yes',
    meaning: 'Bodhi answered 2xx with a body that is not the documented one.',
  },
  // dist-git (packit.propose_downstream): git, Pagure's API, the lookaside cache, the source
  DistGitBadInput: {
    retryable: 'no',
    meaning:
      'A propose_downstream input refused for good: a tag, name or path that is not plain, a package or branch dist-git lacks, or a source URL it does not fetch.',
  },
  DistGitFailed: {
    retryable: 'yes',
    meaning: 'A git clone of dist-git or a push to the fork failed (the network, the server).',
  },
  DistGitAuthError: {
    retryable: 'no',
    meaning:
      'The dist-git server refused the push: check FORGEFLOW_DISTGIT_USER and FORGEFLOW_PAGURE_TOKEN.',
  },
  PagureUnavailable: {
    retryable: 'yes',
    meaning: "Pagure's API gave no answer, timed out, or answered 408 or 5xx.",
  },
  PagureRateLimited: {
    retryable: 'yes',
    meaning: "Pagure's API answered 429; retried no sooner than it asks.",
  },
  PagureAuthError: {
    retryable: 'no',
    meaning: 'Pagure refused the API token (401, 403).',
  },
  PagureNotFound: {
    retryable: 'no',
    meaning: 'Pagure has no such project (404): the package may not be in dist-git.',
  },
  PagureRequestError: {
    retryable: 'no',
    meaning: 'Pagure refused the request (another 4xx).',
  },
  PagureBadResponse: {
    retryable: 'yes',
    meaning: 'Pagure answered 2xx with a body that is not the documented one.',
  },
  LookasideUnavailable: {
    retryable: 'yes',
    meaning:
      "The lookaside cache's upload.cgi gave no answer, answered 408, 429 or 5xx, or an answer it does not document.",
  },
  LookasideAuthError: {
    retryable: 'no',
    meaning: 'The lookaside cache refused the client certificate (401, 403).',
  },
  LookasideRequestError: {
    retryable: 'no',
    meaning: 'The lookaside cache refused the upload (another 4xx).',
  },
  SourceDownloadFailed: {
    retryable: 'yes',
    meaning:
      "The spec's source archive could not be downloaded (no answer, a timeout, 408, 429 or 5xx).",
  },
} as const satisfies Record<string, ErrorTypeInfo>;

/** An error type forgeflow itself produces. */
export type ErrorType = keyof typeof ERROR_TYPES;
