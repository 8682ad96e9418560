/**
 * Secrets at the start of an attempt (DESIGN.md §2, §4a), right before its handler is called:
 * the input's templates that read `secrets` (kept as written when the node was scheduled) are
 * evaluated with values asked of the SecretStore, and everything the attempt gives back (its
 * output, its error, its heartbeat details, its handler's log lines) is masked. The resolved
 * input lives only in this attempt's memory: the stored input keeps the expressions. A run whose
 * config came from an untrusted author gets no secret: its attempt fails saying so.
 */
import { Masker, MaskError } from '../common/mask.js';
import type { SecretStore } from '../common/secrets.js';
import type { GraphNode } from '../contracts/graph.js';
import { EvaluationError } from '../expressions/evaluate.js';
import {
  deferredSecrets,
  resolveDeferred,
  secretNamesIn,
  valueAt,
} from '../expressions/secrets.js';
import type { DeferredSecrets } from '../contracts/graph.js';
import type { HandlerLogger } from '../handlers/types.js';
import { HandlerError } from '../contracts/errors.js';
import type { ClaimedAttempt } from './attempt-start.js';

export interface AttemptSecrets {
  /** The input the handler is given. */
  input: unknown;
  /** Runs the handler call: what it returns or throws comes back masked. */
  guard<T>(call: () => Promise<T>): Promise<T>;
  /** A copy of `value` with every secret replaced by `***`. */
  mask<T>(value: T): T;
  /** `text` with every secret replaced by `***` (a log line). */
  text(text: string): string;
  /** The handler's logger, masking every line. */
  logger(base: HandlerLogger): HandlerLogger;
}

const PLAIN: Omit<AttemptSecrets, 'input'> = {
  guard: (call) => call(),
  mask: (value) => value,
  text: (text) => text,
  logger: (base) => base,
};

/** Per graph node (the run cache keeps graphs): its input template is walked once. */
const deferredByNode = new WeakMap<GraphNode, DeferredSecrets | null>();

/** Where the templates that read secrets are in this node's input. */
function deferredOf(node: GraphNode): DeferredSecrets | undefined {
  const action = node.action;
  if (action.kind === 'poll') return action.secrets;
  if (action.kind !== 'activity') return undefined;
  let deferred = deferredByNode.get(node);
  if (deferred === undefined) {
    const found = deferredSecrets(action.input, node.env);
    deferred = found.paths.length > 0 ? found : null;
    deferredByNode.set(node, deferred);
  }
  return deferred ?? undefined;
}

export async function openAttemptSecrets(
  claimed: ClaimedAttempt,
  store: SecretStore,
): Promise<AttemptSecrets> {
  const deferred = deferredOf(claimed.node);
  if (!deferred) return { input: claimed.input, ...PLAIN };
  const templates = [
    ...deferred.paths.map((path) => valueAt(claimed.input, path)),
    ...Object.values(deferred.env),
  ].filter((t): t is string => typeof t === 'string');
  const names = [...new Set(templates.flatMap(secretNamesIn))].sort();
  const source = claimed.run.configSource;
  if (source?.trusted === false)
    throw new HandlerError(
      'SecretsWithheld',
      `secrets are not given to this run: its config (${source.path ?? 'the config'} at ${source.ref ?? 'an unknown commit'}) came from an author the repository does not trust (${source.why}); wanted: ${names.join(', ')}`,
      { nonRetryable: true, details: { withheld: names, config: source } },
    );
  const repo = claimed.run.event.repo.full_name;
  const found = await store.lookup(repo, names);
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0)
    throw new HandlerError(
      'SecretNotFound',
      `no secret ${missing.join(', ')} for ${repo}: ${missing.map((name) => store.whereToSet(name, repo)).join('; ')}`,
      { nonRetryable: true, details: { missing } },
    );
  const masker = new Masker(found.values());
  let input: unknown;
  try {
    input = resolveDeferred(claimed.input, deferred, Object.fromEntries(found));
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    throw new HandlerError('ExpressionError', masker.text(error.message), { nonRetryable: true });
  }
  return {
    input,
    guard: async (call) => {
      try {
        return mask(masker, await call());
      } catch (error) {
        throw maskedError(masker, error);
      }
    },
    mask: (value) => mask(masker, value),
    text: (text) => masker.text(text),
    logger: (base) => maskedLogger(masker, base),
  };
}

function mask<T>(masker: Masker, value: T): T {
  try {
    return masker.value(value);
  } catch (error) {
    if (!(error instanceof MaskError)) throw error;
    // What cannot be masked is not shown: the attempt fails instead.
    throw new HandlerError('InvalidOutput', `the output cannot be stored: ${error.message}`, {
      nonRetryable: true,
    });
  }
}

/** The same error, its message and details masked (its type and retry advice kept). */
function maskedError(masker: Masker, error: unknown): unknown {
  if (error instanceof HandlerError) {
    let details: unknown;
    try {
      details = masker.value(error.details);
    } catch {
      details = '(not shown: it could not be masked)';
    }
    return error.restated(masker.text(error.message), details);
  }
  if (error instanceof Error) {
    const masked = new Error(masker.text(error.message));
    masked.name = error.name;
    return masked;
  }
  return new Error(masker.text(String(error)));
}

function maskedLogger(masker: Masker, base: HandlerLogger): HandlerLogger {
  const line =
    (level: keyof HandlerLogger) =>
    (obj: object, msg?: string): void => {
      let fields: object;
      try {
        fields = masker.value(obj);
      } catch {
        fields = { masked: 'the fields of this line could not be masked' };
      }
      base[level](fields, msg === undefined ? undefined : masker.text(msg));
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
