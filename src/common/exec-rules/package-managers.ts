/**
 * The program rules of package and environment managers (npm, pip, nix, conda, poetry, uv, …),
 * which run code chosen by their arguments, for exec-rules.ts's table.
 */
import { everything, type ProgramEntry } from './rule-types.js';

export const PACKAGE_MANAGERS: readonly ProgramEntry[] = [
  ...everything(
    ['nix-shell', 'nix', 'conda', 'mamba', 'micromamba', 'poetry', 'pipenv', 'uv', 'uvx'],
    'it runs commands (or scripts of a project) named in its arguments',
  ),
  ...everything(
    ['npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'pip', 'pipx', 'gem', 'bundle'],
    'a package name or script in its arguments chooses code that it installs or runs',
  ),
];
