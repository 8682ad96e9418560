/**
 * The load generator of `webhooks.ts`, in a process of its own (forked, IPC): autocannon's
 * clients would otherwise share the server's event loop and CPU. It receives one `LoadOrder`,
 * fires signed GitHub deliveries at the server for `seconds` with `connections` connections,
 * every request a new delivery id and a new head sha (so a new body and a new signature),
 * and answers with one `LoadReport`, then exits.
 */
import autocannon from 'autocannon';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

export interface LoadOrder {
  url: string;
  secret: string;
  connections: number;
  seconds: number;
  /** The body around the head sha: `before + sha + after`. */
  before: string;
  after: string;
  /** Prefix of the delivery ids, so runs of the bench do not collide. */
  tag: string;
}

export interface LoadReport {
  autocannon: string;
  /** Requests built (each got its own delivery id), including those in flight at the end. */
  built: number;
  duration_s: number;
  /** autocannon's per-second samples of responses. */
  requests_per_s: { mean: number; p50: number; min: number; max: number };
  /** autocannon's latency histogram (ms, of the 2xx answers). */
  autocannon_latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Every 2xx answer's response time as measured by autocannon (hrtime, ms), unrounded. */
  latencies_ms: number[];
  status_codes: Record<string, number>;
  responses_2xx: number;
  /** 2xx answers that said `"duplicate":true`: every delivery id here is new, so 0. */
  duplicates: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  resets: number;
  /** CPU of this process (user + system) while firing. */
  cpu_ms: number;
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function fire(order: LoadOrder): Promise<LoadReport> {
  let built = 0;
  let duplicates = 0;
  const latencies: number[] = [];
  const options: autocannon.Options = {
    url: `${order.url}/webhooks/github`,
    connections: order.connections,
    duration: order.seconds,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'user-agent': 'GitHub-Hookshot/044aadd',
    },
    requests: [
      {
        // Called for every request a client sends (autocannon rebuilds a request that has one).
        setupRequest: (request) => {
          const n = built++;
          const sha = n.toString(16).padStart(40, '0');
          const body = order.before + sha + order.after;
          request.body = body;
          request.headers = {
            ...request.headers,
            'x-github-delivery': `${order.tag}-${n}`,
            'x-hub-signature-256': sign(order.secret, body),
          };
          return request;
        },
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && body.includes('"duplicate":true')) duplicates++;
        },
      },
    ],
  };
  const cpu = process.cpuUsage();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error: Error | null, result: autocannon.Result) =>
      error ? reject(error) : resolve(result),
    );
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await done;
  const used = process.cpuUsage(cpu);
  const codes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    codes[code] = Number((stat as { count: number | string }).count);
  const { version } = createRequire(import.meta.url)('autocannon/package.json') as {
    version: string;
  };
  return {
    autocannon: version,
    built,
    duration_s: result.duration,
    requests_per_s: {
      mean: result.requests.average,
      p50: result.requests.p50,
      min: result.requests.min,
      max: result.requests.max,
    },
    autocannon_latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    latencies_ms: latencies,
    status_codes: codes,
    responses_2xx: result['2xx'],
    duplicates,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    resets: result.resets,
    cpu_ms: (used.user + used.system) / 1000,
  };
}

process.once('message', (order: LoadOrder) => {
  fire(order).then(
    (report) => process.send?.({ ok: true, report }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ ok: false, error: (error as Error).stack ?? String(error) }, () =>
        process.exit(1),
      ),
  );
});
process.send?.({ ready: true });
