/**
 * The answer to `/packit help` (issue 18 item 3): as packit-service answers it, the commands'
 * usage in a code block, then where the documentation is — here with what each command does in
 * forgeflow, derived from the grammar commands.ts parses, so the two cannot disagree. No line
 * of it starts with "/" (GitLab would run it as a quick action, and a line that starts like a
 * command would make forgeflow plan its own reply).
 */
import { commandOptionUsage, PACKIT_COMMANDS, PACKIT_RETRIGGERING_DOCS } from './commands.js';
import type { PackitCommandName } from './types.js';

/** What each command does when forgeflow runs it. */
const WHAT: Readonly<Record<PackitCommandName, string>> = {
  build: 'build in Copr (the tests that follow builds come along)',
  'copr-build': 'the same as build',
  'rebuild-failed': 'build again the chroots that failed in the latest run',
  test: 'run the tests, on the latest builds (building first where there are none)',
  'retest-failed': 'run again the tests that failed in the latest run',
  'propose-downstream': 'open dist-git pull requests for the latest release (also on an issue)',
  'upstream-koji-build': 'build in Koji from this repository',
  'koji-build': 'build the dist-git branches in Koji',
  'create-update': 'create the Bodhi updates of the latest Koji builds',
  'vm-image-build': 'build VM images (needs a handler the operator registers)',
  'pull-from-upstream': 'a dist-git command: forgeflow runs no jobs in dist-git repositories',
  'koji-tag': 'tag the Koji builds into their sidetag (needs a handler the operator registers)',
  help: 'this text',
};

/** The reply's body, for a prefix (`/packit`). */
export function packitHelpText(prefix: string): string {
  const rows = PACKIT_COMMANDS.map((name) => {
    const options = commandOptionUsage(name);
    return { usage: [name, ...options].join(' '), what: WHAT[name] };
  });
  const width = Math.min(60, Math.max(...rows.map((row) => row.usage.length)));
  const lines = rows.flatMap(({ usage, what }) =>
    usage.length > width
      ? [`  ${usage}`, `  ${' '.repeat(width)}  ${what}`]
      : [`  ${usage.padEnd(width)}  ${what}`],
  );
  return [
    '```',
    `usage: ${prefix} [--package PACKAGE] COMMAND [options]`,
    '',
    'commands:',
    ...lines,
    '',
    '--package PACKAGE picks one package of a monorepo; --commit BRANCH and --release TAG',
    'run the jobs of that branch or release instead of those of the pull request.',
    '```',
    `**Documentation**: \n - ${PACKIT_RETRIGGERING_DOCS}`,
  ].join('\n');
}
