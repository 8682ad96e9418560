/** How messages name a place in the file, and the `version:` check with its YAML pitfall. */
import type { CheckContext } from './checks/context.js';
import type { Path } from './yaml-source.js';

export function describeLocation(path: Path): string {
  const [top, second, third] = path;
  if (top === undefined) return 'at the top level';
  if (top === 'jobs' && typeof second === 'string') {
    if (path.length === 2) return `in job "${second}"`;
    return `in "${path
      .slice(2)
      .filter((p) => typeof p === 'string')
      .join('.')}" of job "${second}"`;
  }
  if (top === 'on' && typeof second === 'string' && third === undefined)
    return `in the ${second} trigger`;
  return `in "${path.filter((p) => typeof p === 'string').join('.')}"`;
}

export function checkVersion(ctx: CheckContext, pipeline: Record<string, unknown>): void {
  const version = pipeline.version;
  if (version === undefined || version === 1) return;
  const written = typeof version === 'string' ? `the string "${version}"` : JSON.stringify(version);
  const hint =
    typeof version === 'number' && !Number.isInteger(version)
      ? `; YAML reads a number such as 1.10 as ${version}, and this language has only version 1`
      : version === '1'
        ? '; write it unquoted: version: 1'
        : '';
  ctx.report(['version'], 'version', `version must be 1, not ${written}${hint}`);
}
