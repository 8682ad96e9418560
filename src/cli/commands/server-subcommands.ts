/**
 * The dispatch shared by the command groups that talk to a server (`forgeflow runs …`,
 * `forgeflow schedules …`): help, an unknown subcommand or option with a did-you-mean, and one
 * sentence, not a stack trace, for a refusal or an unreachable server. Exit codes: 0 on a 2xx
 * answer, 1 on an error answer or an unreachable server, 2 for a usage mistake.
 */
import { ApiError, UnreachableError } from '../api-client.js';
import { didYouMean, flagsIn, unknownOption } from '../did-you-mean.js';
import { EXIT, isParseArgsError, UsageError, type Io } from '../io.js';

export type ServerSubcommand = (args: string[], io: Io, env: NodeJS.ProcessEnv) => Promise<number>;

export interface ServerCommandGroup {
  /** `runs`, `schedules`: the word after `forgeflow`. */
  group: string;
  help: string;
  /** Each subcommand's usage line, by name. */
  usage: Readonly<Record<string, string>>;
  subcommands: Readonly<Record<string, ServerSubcommand>>;
}

export async function dispatchServerCommand(
  { group, help, usage, subcommands }: ServerCommandGroup,
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(help);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (run === undefined) {
    io.err(
      `forgeflow ${group}: unknown command "${sub}"${didYouMean(sub, Object.keys(usage))}\n\n${help}`,
    );
    return EXIT.usage;
  }
  const line = usage[sub] ?? '';
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${line}\n\n(forgeflow ${group} --help for every command and option)\n`);
    return EXIT.ok;
  }
  try {
    return await run(rest, io, env);
  } catch (error) {
    const unknown = unknownOption(error);
    if (unknown !== undefined) {
      io.err(
        `forgeflow ${group} ${sub}: unknown option "${unknown}"${didYouMean(unknown, flagsIn(line))}\nusage: ${line}\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`forgeflow ${group} ${sub}: ${(error as Error).message}\nusage: ${line}\n`);
      return EXIT.usage;
    }
    if (error instanceof ApiError) {
      const { code, status, detail, title } = error.problem;
      io.err(`forgeflow ${group} ${sub}: ${code} (${status}): ${detail ?? title ?? ''}\n`);
      if (code === 'AUTH_REQUIRED' || code === 'AUTH_INVALID')
        io.err(
          code === 'AUTH_REQUIRED'
            ? "give the server's API token with --token or FORGEFLOW_API_TOKEN\n"
            : "the token given (--token or FORGEFLOW_API_TOKEN) is not this server's API token\n",
        );
      return EXIT.failed;
    }
    if (error instanceof UnreachableError) {
      io.err(`forgeflow ${group} ${sub}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}
