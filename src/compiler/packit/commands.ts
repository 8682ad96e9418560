/**
 * `/packit …` comments (reference §5), parsed with packit-service's argparse grammar:
 * `/packit [--package P] COMMAND [options]`. Long options may be written `--id X` or `--id=X`
 * and shortened to any unambiguous beginning (`--iden X`), `-i X`, `-iX` and `-i=X` work, and an
 * option given twice keeps its last value (`--env` adds up). What argparse would reject is a
 * syntax error, with Packit's message followed by what exactly was wrong.
 */
import { commandLine, splitWords } from './comment-line.js';
import { didYouMean } from '../suggest.js';
import type { JobType, PackitCommand, PackitCommandName, ParsedPackitCommand } from './types.js';

export const PACKIT_PREFIX = '/packit';

/** Packit's reply to a command it cannot parse, for a prefix. */
export function syntaxErrorMessage(prefix = PACKIT_PREFIX): string {
  return `There appears to be a syntax error in the command provided. Please refer to the Packit documentation or use the \`${prefix} help\` command.`;
}

/** Where Packit documents its comment commands (its syntax-error reply links there). */
export const PACKIT_RETRIGGERING_DOCS = 'https://packit.dev/docs/retriggering';

type OptionKind = 'value' | 'flag' | 'append';

interface OptionSpec {
  /** Every spelling; the first long one names the option in messages and results. */
  names: readonly string[];
  kind: OptionKind;
}

const COMMIT: OptionSpec = { names: ['--commit'], kind: 'value' };
const RELEASE: OptionSpec = { names: ['--release'], kind: 'value' };

/** Each command's options (argparse sub-parsers of packit-service's `get_comment_parser`). */
const COMMANDS: Readonly<Record<PackitCommandName, readonly OptionSpec[]>> = {
  build: [COMMIT, RELEASE],
  'copr-build': [COMMIT, RELEASE],
  'rebuild-failed': [],
  test: [
    COMMIT,
    RELEASE,
    { names: ['--identifier', '--id', '-i'], kind: 'value' },
    { names: ['--labels'], kind: 'value' },
    { names: ['--env'], kind: 'append' },
  ],
  'retest-failed': [],
  'propose-downstream': [],
  'upstream-koji-build': [],
  'koji-build': [],
  'create-update': [],
  'vm-image-build': [],
  'pull-from-upstream': [
    { names: ['--resolve-bug'], kind: 'value' },
    { names: ['--with-pr-config'], kind: 'flag' },
    { names: ['--version'], kind: 'value' },
  ],
  'koji-tag': [{ names: ['--all-branches'], kind: 'flag' }],
  help: [],
};

export const PACKIT_COMMANDS = Object.keys(COMMANDS) as PackitCommandName[];

/** A command's options as its usage line shows them (`--identifier/--id/-i VALUE`). */
export function commandOptionUsage(name: PackitCommandName): string[] {
  return COMMANDS[name].map((option) => {
    const names = option.names.join('/');
    if (option.kind === 'flag') return `[${names}]`;
    const value = option.names[0]!.replace(/^-+/, '').toUpperCase().replaceAll('-', '_');
    return option.kind === 'append' ? `[${names} ${value} ...]` : `[${names} ${value}]`;
  });
}

const PACKAGE: OptionSpec = { names: ['--package'], kind: 'value' };

/**
 * The job types a command selects (packit-service's MAP_COMMENT_TO_HANDLER). `build` and
 * `copr-build` also select tests, except `manual_trigger` ones (see `commandSelects`): they
 * run after the builds, and manual test jobs wait for `/packit test`.
 */
export const COMMAND_JOB_TYPES: Readonly<Record<PackitCommandName, readonly JobType[]>> = {
  build: ['copr_build', 'tests'],
  'copr-build': ['copr_build', 'tests'],
  'rebuild-failed': ['copr_build'],
  test: ['tests'],
  'retest-failed': ['tests'],
  'propose-downstream': ['propose_downstream'],
  'upstream-koji-build': ['upstream_koji_build'],
  'koji-build': ['koji_build'],
  'create-update': ['bodhi_update'],
  'vm-image-build': ['vm_image_build'],
  'pull-from-upstream': ['pull_from_upstream'],
  'koji-tag': ['koji_build_tag'],
  help: [],
};

/** Whether a command starts a job of this type (a manual tests job needs `/packit test`). */
export function commandSelects(
  command: PackitCommandName,
  job: { type: JobType; manual_trigger: boolean },
): boolean {
  if (!COMMAND_JOB_TYPES[command].includes(job.type)) return false;
  return !(
    job.type === 'tests' &&
    job.manual_trigger &&
    (command === 'build' || command === 'copr-build')
  );
}

type Values = Map<OptionSpec, string[]>;
type Step = { ok: true; next: number } | { ok: false; error: string };

function optionTitle(option: OptionSpec): string {
  return option.names.join('/');
}

/**
 * The option a long word names: exactly, or by a beginning only one option has (argparse's
 * abbreviations; no two options of a command share a beginning, aliases aside).
 */
function findLong(word: string, options: readonly OptionSpec[]): OptionSpec | string {
  const exact = options.find((o) => o.names.includes(word));
  if (exact) return exact;
  if (word.length <= 2) return `unrecognized arguments: ${word}`;
  const matches = options.filter((o) =>
    o.names.some((n) => n.startsWith('--') && n.startsWith(word)),
  );
  return matches.length === 1 ? matches[0]! : `unrecognized arguments: ${word}`;
}

/** Reads the option at `words[i]` into `values`. */
function readOption(
  words: readonly string[],
  i: number,
  options: readonly OptionSpec[],
  values: Values,
): Step {
  const word = words[i]!;
  let option: OptionSpec | string;
  let explicit: string | undefined;
  if (word.startsWith('--')) {
    const eq = word.indexOf('=');
    option = findLong(eq === -1 ? word : word.slice(0, eq), options);
    explicit = eq === -1 ? undefined : word.slice(eq + 1);
  } else {
    // A short option: `-i X`, `-iX` or `-i=X`.
    const short = word.slice(0, 2);
    option = options.find((o) => o.names.includes(short)) ?? `unrecognized arguments: ${word}`;
    if (word.length > 2) explicit = word[2] === '=' ? word.slice(3) : word.slice(2);
  }
  if (typeof option === 'string') return { ok: false, error: option };
  const title = optionTitle(option);
  if (option.kind === 'flag') {
    if (explicit !== undefined)
      return { ok: false, error: `argument ${title}: ignored explicit argument '${explicit}'` };
    values.set(option, ['']);
    return { ok: true, next: i + 1 };
  }
  let value = explicit;
  let next = i + 1;
  if (value === undefined) {
    const following = words[i + 1];
    if (following === undefined || isOption(following))
      return { ok: false, error: `argument ${title}: expected one argument` };
    value = following;
    next = i + 2;
  }
  const previous = option.kind === 'append' ? (values.get(option) ?? []) : [];
  values.set(option, [...previous, value]);
  return { ok: true, next };
}

function isOption(word: string): boolean {
  return word.startsWith('-') && word !== '-' && !/^-\d/.test(word);
}

/** Where a `test` positional came from: another pull request (unsupported) or a mistake. */
function testPositional(word: string): string {
  return /^[^\s#/]+\/[^\s#]+#\d+$/.test(word)
    ? `\`test ${word}\` would test builds of another pull request, which forgeflow does not support`
    : `unrecognized arguments: ${word} (test takes only options)`;
}

function commandFrom(
  name: PackitCommandName,
  pkg: string | null,
  values: Values,
): PackitCommand | string {
  const options = COMMANDS[name];
  const get = (long: string): string[] | undefined => {
    const option = options.find((o) => o.names[0] === long);
    return option ? values.get(option) : undefined;
  };
  const last = (long: string): string | null => get(long)?.at(-1) ?? null;
  const env: Record<string, string> = {};
  for (const pair of get('--env') ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `argument --env: expected NAME=VALUE, got '${pair}'`;
    // defineProperty: a variable called __proto__ is a variable like any other.
    Object.defineProperty(env, pair.slice(0, eq), {
      value: pair.slice(eq + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const commit = last('--commit');
  const release = last('--release');
  if (commit !== null && release !== null)
    return 'argument --release: not allowed with argument --commit';
  const split = (text: string | null) =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const command: PackitCommand = {
    name,
    package: pkg,
    identifier: last('--identifier'),
    labels: split(last('--labels')),
    env,
    commit,
    release,
  };
  if (name === 'pull-from-upstream') {
    const bugs = last('--resolve-bug');
    if (bugs !== null) command.resolve_bugs = split(bugs);
    command.with_pr_config = get('--with-pr-config') !== undefined;
    command.version = last('--version');
  }
  if (name === 'koji-tag') command.all_branches = get('--all-branches') !== undefined;
  return command;
}

/** Parses the words after the prefix. */
function parseWords(words: readonly string[], prefix: string): PackitCommand | string {
  const top: Values = new Map();
  let i = 0;
  while (i < words.length && isOption(words[i]!)) {
    if (words[i] === '--') {
      i += 1;
      break;
    }
    const step = readOption(words, i, [PACKAGE], top);
    if (!step.ok) return step.error;
    i = step.next;
  }
  const name = words[i];
  if (name === undefined) return 'no command given';
  if (!Object.hasOwn(COMMANDS, name)) {
    const hint = didYouMean(name, PACKIT_COMMANDS);
    return name === 'verify-fas'
      ? "verify-fas is for Packit's own allowlist; forgeflow has no use for it"
      : `unknown command '${name}'${hint} (commands: ${PACKIT_COMMANDS.join(', ')})`;
  }
  const command = name as PackitCommandName;
  const pkg = top.get(PACKAGE)?.at(-1) ?? null;
  if (command === 'help') return commandFrom(command, pkg, new Map());
  const options = COMMANDS[command];
  const values: Values = new Map();
  let positionalOnly = false;
  for (i += 1; i < words.length;) {
    const word = words[i]!;
    if (!positionalOnly && word === '--') {
      positionalOnly = true;
      i += 1;
    } else if (!positionalOnly && isOption(word)) {
      if (word === '--package' || word.startsWith('--package='))
        return `--package has to come before the command: ${prefix} --package P ${command}`;
      const step = readOption(words, i, options, values);
      if (!step.ok) return step.error;
      i = step.next;
    } else {
      return command === 'test' ? testPositional(word) : `unrecognized arguments: ${word}`;
    }
  }
  return commandFrom(command, pkg, values);
}

/**
 * The `/packit` command of a comment: undefined when no line is one, else the command or a
 * syntax error. Never throws.
 */
export function parsePackitComment(body: string, prefix = PACKIT_PREFIX): ParsedPackitCommand {
  const line = commandLine(body, prefix);
  if (line === undefined) return undefined;
  const words = splitWords(line);
  const result = words.ok ? parseWords(words.words, prefix) : words.error;
  if (typeof result === 'string') {
    return { ok: false, error: `${syntaxErrorMessage(prefix)}\n${result}` };
  }
  return { ok: true, command: result };
}
