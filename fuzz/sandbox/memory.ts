/**
 * Resident memory, the way the fuzzer reports it: the peak RSS of one case (Linux lets a
 * process reset its own high-water mark through /proc/self/clear_refs, so each case's peak is
 * its own), and a child's current RSS read from outside (to stop a child that outgrows its
 * cap even when it is too busy to answer). Elsewhere the process-wide peak is the best there is.
 */
import { readFileSync, writeFileSync } from 'node:fs';

let canReset: boolean | undefined;

function statusField(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Starts a new peak for this process; false where the platform keeps one peak per process. */
export function resetPeakRss(): boolean {
  if (canReset === false) return false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    canReset = true;
  } catch {
    canReset = false;
  }
  return canReset;
}

/** This process's peak RSS in kB since the last reset (or since it started). */
export function peakRssKb(): number {
  return statusField('self', 'VmHWM') ?? process.resourceUsage().maxRSS;
}

/** Another process's current RSS in kB; null where /proc is not there (or the process is gone). */
export function rssOfKb(pid: number): number | null {
  return statusField(pid, 'VmRSS');
}
