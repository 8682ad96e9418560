/**
 * Reading package-level keys of a job view with Packit's defaults. The loader has validated
 * the types; these only guard against what a wrong guess would cost (a crash).
 */
import type { Event } from '../../events/event.js';
import type { PackageConfig } from './types.js';

export function str(config: PackageConfig, key: string): string | null {
  const value = config[key];
  return typeof value === 'string' ? value : null;
}

export function bool(config: PackageConfig, key: string, fallback: boolean): boolean {
  const value = config[key];
  return typeof value === 'boolean' ? value : fallback;
}

export function num(config: PackageConfig, key: string, fallback: number): number {
  const value = config[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function dict(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Where the repository can be cloned from. */
export function cloneUrl(event: Event): string {
  return (
    event.repo.clone_url ??
    (event.repo.html_url
      ? `${event.repo.html_url}.git`
      : `https://${event.forge}.invalid/${event.repo.full_name}.git`)
  );
}

/** The commit to build and test: the event's, else the release tag or the ref it names. */
export function committish(event: Event, ref: string | null): string {
  return event.sha ?? event.pr?.head_sha ?? event.release?.tag ?? event.tag ?? ref ?? 'HEAD';
}

/** `paths[0]` as a sub-directory: `./python` → `python`, `./` → `.`. */
export function subdirectory(config: PackageConfig): string {
  const first = list(config.paths)[0] ?? '.';
  const trimmed = first.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '.' : trimmed;
}
