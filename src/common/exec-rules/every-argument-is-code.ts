/**
 * The program rules of programs that read every argument as code of their own (make, ssh, su,
 * PowerShell, cmd, watch, debuggers, …), for exec-rules.ts's table.
 */
import { everything, type ProgramEntry } from './rule-types.js';

export const EVERY_ARGUMENT_IS_CODE: readonly ProgramEntry[] = [
  ...everything(
    ['make', 'gmake', 'bmake', 'remake'],
    'make reads each argument as make code (an option, a VAR=value assignment whose value make expands, or a target)',
    '$(NAME)',
  ),
  ...everything(
    ['ssh', 'scp', 'sftp'],
    'ssh passes its arguments to a shell on the remote host (and options such as -oProxyCommand run commands here)',
  ),
  ...everything(['su', 'runuser'], 'su runs its -c argument, and what follows, as shell code'),
  ...everything(
    ['pwsh', 'powershell', 'pwsh-preview'],
    'PowerShell joins the arguments of -Command into code, and its parameters may be abbreviated',
    '$env:NAME',
  ),
  ...everything(['cmd'], 'cmd runs its /c argument and what follows as a command line', '%NAME%'),
  ...everything(
    ['watch', 'parallel', 'sem', 'tmux', 'screen', 'script', 'systemd-run'],
    'it passes its arguments to a shell as one command line',
  ),
  ...everything(
    ['gdb', 'lldb', 'erl', 'iex', 'elixir', 'r', 'osascript', 'deno', 'bun', 'bunx'],
    'it reads code in many of its arguments (commands, expressions, scripts)',
  ),
];
