/**
 * `forgeflow runs start FILE`: sends a pipeline.yaml or a Packit config, and a webhook payload
 * (else a manual event), to the server, which compiles and starts it. The payload is read as
 * `plan` and `run` read it (read-event.ts): its forge and event are told from it unless
 * `--forge` and `--event-type` say; a Packit config is one by its name or with `--packit`
 * (config-file.ts). A config the server finds broken (422 PIPELINE_INVALID) is printed as
 * `forgeflow validate` prints it, from the diagnostics of the server's answer; inputs that do not
 * fit (`--input NAME=VALUE`, 422 INVALID_INPUTS) are printed one per line.
 */
import { basename } from 'node:path';
import { diagnosticsToJson, type Diagnostic } from '../../compiler/index.js';
import { repoFileProblem } from '../../forges/repo-paths.js';
import type { InputProblem } from '../../contracts/inputs.js';
import { ApiError } from '../api-client.js';
import { formatInputProblems, parseInputArgs } from '../input-args.js';
import { isPackitConfig, PACKIT_OPTION } from '../config-file.js';
import { EXIT, type Io } from '../io.js';
import { EVENT_OPTIONS, forgeOption, readEventPayload } from '../read-event.js';
import { client, COMMON, json, parse, sha } from './runs-args.js';
import { showDiagnostics } from './validate.js';

export const startUsage = `forgeflow runs start FILE [--event PAYLOAD.json [--event-type T]] [--forge github|gitlab] [--packit] [--repo R] [--sha X] [--input NAME=VALUE]… ${COMMON}`;

export async function startCommand(
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      ...EVENT_OPTIONS,
      ...PACKIT_OPTION,
      repo: { type: 'string' },
      sha: { type: 'string' },
    },
    ['FILE'],
  );
  const [file] = positionals;
  const forge = forgeOption(values.forge);
  const commit = sha(values.sha);
  const inputs = parseInputArgs(values.input);
  const text = io.readFile(file);
  const payload = readEventPayload(io, values);
  const sent = serverFile(file);
  const body = {
    pipeline: text,
    file: sent,
    ...(isPackitConfig(file, values.packit) ? { packit: true } : {}),
    ...(payload !== undefined
      ? {
          forge: payload.forge,
          event: payload.payload,
          ...(payload.eventName !== null ? { event_type: payload.eventName } : {}),
        }
      : forge !== undefined
        ? { forge }
        : {}),
    ...(values.repo !== undefined ? { repo: values.repo } : {}),
    ...(commit !== undefined ? { sha: commit } : {}),
    ...(inputs !== undefined ? { inputs } : {}),
  };
  const api = client(values, env);
  let answer: { run_id: string; created: boolean };
  try {
    answer = await api.post<{ run_id: string; created: boolean }>('/api/v1/runs', body);
  } catch (error) {
    const refused = error instanceof ApiError ? inputProblems(error) : undefined;
    if (refused !== undefined) {
      if (values.json) {
        json(io, { code: 'INVALID_INPUTS', errors: refused });
        return EXIT.failed;
      }
      io.err(
        `forgeflow runs start: the inputs do not fit ${file}: the server started nothing (INVALID_INPUTS)\n${formatInputProblems(refused)}`,
      );
      return EXIT.failed;
    }
    const diagnostics = error instanceof ApiError ? invalidConfig(error, sent, file) : undefined;
    if (diagnostics === undefined) throw error;
    if (values.json) {
      io.out(`${JSON.stringify(diagnosticsToJson(diagnostics), null, 2)}\n`);
      return EXIT.failed;
    }
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    io.err(
      `${showDiagnostics(io, diagnostics, text)}\n\n` +
        `forgeflow runs start: ${file} has ${errors} error${errors === 1 ? '' : 's'}: the server started nothing (PIPELINE_INVALID)\n`,
    );
    return EXIT.failed;
  }
  if (values.json) return json(io, answer);
  io.out(`run ${answer.run_id} started: ${api.where}/runs/${answer.run_id}\n`);
  return EXIT.ok;
}

/**
 * The name the server is told: the path as given when it is a plain one inside a repository
 * (the API refuses `..`, `/…` and the like), else the file's own name.
 */
function serverFile(path: string): string {
  const plain = path.replace(/^(\.\/+)+/, '');
  return repoFileProblem(plain) === null ? plain : basename(path);
}

/**
 * The diagnostics of a 422 PIPELINE_INVALID answer, named after the file as it was given here;
 * undefined for any other answer (or one without them, which is printed as any error is).
 */
function invalidConfig(error: ApiError, sent: string, file: string): Diagnostic[] | undefined {
  const { code, diagnostics } = error.problem;
  if (code !== 'PIPELINE_INVALID' || !Array.isArray(diagnostics)) return undefined;
  const read = diagnostics.filter(isDiagnostic);
  if (read.length === 0) return undefined;
  return read.map((d) => (d.file === sent ? { ...d, file } : d));
}

/** The problems of a 422 INVALID_INPUTS answer, each `{input, message}`; undefined otherwise. */
function inputProblems(error: ApiError): InputProblem[] | undefined {
  const { code, errors } = error.problem;
  if (code !== 'INVALID_INPUTS' || !Array.isArray(errors)) return undefined;
  return errors.filter(
    (e): e is InputProblem =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as InputProblem).input === 'string' &&
      typeof (e as InputProblem).message === 'string',
  );
}

function isDiagnostic(value: unknown): value is Diagnostic {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    typeof d.file === 'string' &&
    typeof d.message === 'string' &&
    typeof d.rule === 'string' &&
    (d.severity === 'error' || d.severity === 'warning') &&
    [d.line, d.column, d.length].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
  );
}
