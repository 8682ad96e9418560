/** Packit's config file names (packit's CONFIG_FILE_NAMES): how a file is known to be Packit's. */
export const PACKIT_FILE_NAMES = ['.packit.yaml', '.packit.yml', 'packit.yaml', 'packit.yml'];

/** `.packit.yaml`, `sub/dir/packit.yml`, …: true; `pipeline.yaml`: false. */
export function isPackitFile(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? path;
  return PACKIT_FILE_NAMES.includes(base);
}
