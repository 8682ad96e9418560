/**
 * SIGTERM or SIGINT, as a promise of the signal's name and an AbortSignal, listened for from
 * the start: a stop asked for while the database is still awaited ends that wait too.
 */
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
