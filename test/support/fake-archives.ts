/**
 * A local stand-in for where upstream source archives are downloaded from (GitHub's
 * /archive/, PyPI…): files by path over HTTP, every request recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class FakeArchives {
  readonly requests: string[] = [];
  private readonly files = new Map<string, Buffer>();
  private server: Server | null = null;
  private baseUrl: string | null = null;

  add(path: string, content: Buffer | string): this {
    this.files.set(path, Buffer.from(content));
    return this;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      this.requests.push(path);
      const found = this.files.get(path);
      if (found === undefined) res.writeHead(404).end('Not Found');
      else res.writeHead(200, { 'content-type': 'application/gzip' }).end(found);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  get url(): string {
    if (this.baseUrl === null) throw new Error('fake archives not started');
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
