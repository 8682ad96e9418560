/**
 * One XML-RPC POST to Koji's hub over node's http(s), not fetch: the hub authenticates a login
 * by the TLS client certificate, which fetch cannot present. The answer is read up to a
 * bound; the request has its own deadline besides the caller's signal.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TlsMaterial {
  /** PEM client certificate (and key, when `key` is not given separately). */
  cert?: Buffer;
  key?: Buffer;
  /** PEM CA bundle the hub's certificate must chain to; absent: the system's. */
  ca?: Buffer;
}

export interface XmlPost {
  url: URL;
  body: string;
  headers: Record<string, string>;
  tls: TlsMaterial;
  maxBytes: number;
  signal: AbortSignal;
}

export interface XmlAnswer {
  status: number;
  text: string;
  truncated: boolean;
  retryAfter: string | undefined;
}

export function postXml(post: XmlPost): Promise<XmlAnswer> {
  const { url, body, tls, signal } = post;
  const https = url.protocol === 'https:';
  const options = {
    method: 'POST',
    headers: {
      'content-type': 'text/xml',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'forgeflow (koji/1)',
      ...post.headers,
    },
    signal,
    ...(https ? { ...tls, rejectUnauthorized: true, agent: false as const } : {}),
  };
  return new Promise<XmlAnswer>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, options, (res) => {
      read(res, post.maxBytes).then(resolve, reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function read(res: IncomingMessage, maxBytes: number): Promise<XmlAnswer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of res) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > maxBytes) {
      truncated = true;
      res.destroy();
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  const retryAfter = res.headers['retry-after'];
  return {
    status: res.statusCode ?? 0,
    text: Buffer.concat(chunks).toString('utf8'),
    truncated,
    retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
  };
}
