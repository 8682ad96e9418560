/**
 * `forgeflow worker --metrics-addr [HOST:]PORT` (or FORGEFLOW_METRICS_ADDR): a worker has no
 * HTTP server, but its attempts and slots are counted in its own process, so it serves
 * GET /metrics on an address of its own (node:http; nothing else is answered). Off unless
 * asked; a bare port listens on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeMetrics } from '../runtime/metrics/runtime-metrics.js';
import { CommandFailed, UsageError } from './io.js';

export interface MetricsAddress {
  host: string;
  port: number;
}

/** `9464`, `0.0.0.0:9464`, `[::1]:9464`. */
export function readMetricsAddress(text: string): MetricsAddress {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port > 65_535)
    throw new UsageError(
      `--metrics-addr / FORGEFLOW_METRICS_ADDR must be [HOST:]PORT (like 9464 or 0.0.0.0:9464), not "${text}"`,
    );
  return { host: match[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1', port };
}

export interface MetricsServer {
  /** Where it listens, like http://127.0.0.1:9464/metrics. */
  url: string;
  close(): Promise<void>;
}

export async function serveMetrics(
  metrics: Pick<RuntimeMetrics, 'registry'>,
  address: MetricsAddress,
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('not found: try GET /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  // A scraper asks and reads at once: nobody holds a connection open here.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await listen(server, address);
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}/metrics`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listen(server: Server, { host, port }: MetricsAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) =>
      reject(
        new CommandFailed(
          `cannot serve metrics on ${host}:${port}: ${error.code ?? error.message}`,
        ),
      );
    server.once('error', refused);
    server.listen({ host, port }, () => {
      server.off('error', refused);
      resolve();
    });
  });
}
