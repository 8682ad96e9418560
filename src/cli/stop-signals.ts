/**
 * SIGTERM or SIGINT, as a promise of the signal's name and an AbortSignal, listened for from
 * the start: a stop asked for while the database is still awaited ends that wait too.
 */
import type { Io } from './io.js';
import { openService, type Service, type ServiceOptions } from './service.js';
import type { ServiceSettings } from './settings.js';
import { StoppedWaiting } from './wait-for-database.js';

export function stopSignals(signals: NodeJS.EventEmitter): {
  stop: Promise<string>;
  stopping: AbortSignal;
} {
  const controller = new AbortController();
  const stop = new Promise<string>((resolve) => {
    const on = (name: string) => () => {
      controller.abort();
      resolve(name);
    };
    signals.once('SIGTERM', on('SIGTERM'));
    signals.once('SIGINT', on('SIGINT'));
  });
  return { stop, stopping: controller.signal };
}

/**
 * The service of `serve` and `worker`, waiting for its database until a stop signal, and the
 * signal to stop on; undefined (said on `io`) when the stop came while the database was awaited.
 */
export async function openServiceUntilStopped(
  settings: ServiceSettings,
  options: Omit<ServiceOptions, 'waitUntil'>,
  io: Io,
  signals: NodeJS.EventEmitter,
): Promise<{ service: Service; stop: Promise<string> } | undefined> {
  const { stop, stopping } = stopSignals(signals);
  try {
    return {
      service: await openService(settings, undefined, { ...options, waitUntil: stopping }),
      stop,
    };
  } catch (error) {
    if (!(error instanceof StoppedWaiting)) throw error;
    io.out(`${await stop}: ${error.message}\n`);
    return undefined;
  }
}
