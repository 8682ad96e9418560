/**
 * `--retention` / FORGEFLOW_RETENTION: how long finished runs, deliveries and the side tables
 * are kept (src/contracts/retention.ts), e.g. `runs=90d,failed=180d,deliveries=14d`, or
 * `forever`. Unset: the defaults.
 */
import { DEFAULT_RETENTION, parseRetention, type Retention } from '../contracts/retention.js';
import { UsageError } from './io.js';

export const RETENTION_SETTING = '--retention / FORGEFLOW_RETENTION';

export function retentionSetting(value: string | undefined, name = RETENTION_SETTING): Retention {
  if (value === undefined || value.trim() === '') return DEFAULT_RETENTION;
  const retention = parseRetention(value);
  if (typeof retention === 'string') throw new UsageError(`${name}: ${retention}`);
  return retention;
}
