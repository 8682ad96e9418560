/**
 * The program rules of programs with options that run a command (git, hg, tar, rsync, zip),
 * for exec-rules.ts's table.
 */
import type { ProgramEntry } from './rule-types.js';

export const OPTION_COMMANDS: readonly ProgramEntry[] = [
  [
    'git',
    {
      kind: 'option-command',
      code: 'cu',
      longCode: [
        '--upload-pack',
        '--receive-pack',
        '--exec',
        '--config',
        '--config-env',
        '--exec-path',
        '--template',
        '--ext-diff',
        '--open-files-in-pager',
      ],
      data: 'mbB',
      longData: ['--message', '--branch', '--author', '--date', '--depth', '--format'],
      example: '--upload-pack=COMMAND',
    },
  ],
  [
    'hg',
    {
      kind: 'option-command',
      code: '',
      longCode: ['--config', '--debugger', '--cwd', '--repository'],
      data: 'm',
      longData: ['--message', '--user', '--date'],
      example: '--config=alias.x=!COMMAND',
    },
  ],
  [
    'tar',
    {
      kind: 'option-command',
      code: 'IFf',
      longCode: [
        '--use-compress-program',
        '--to-command',
        '--checkpoint-action',
        '--info-script',
        '--new-volume-script',
        '--rsh-command',
        '--file',
      ],
      example: '--checkpoint-action=exec=COMMAND',
    },
  ],
  [
    'rsync',
    {
      kind: 'option-command',
      code: 'e',
      longCode: ['--rsh', '--rsync-path', '--config'],
      example: '--rsh=COMMAND',
    },
  ],
  [
    'zip',
    {
      kind: 'option-command',
      code: '',
      longCode: ['--unzip-command'],
      example: '-TT COMMAND',
    },
  ],
];
