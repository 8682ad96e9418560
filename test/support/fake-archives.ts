/**
 * A local stand-in for where upstream source archives are downloaded from (GitHub's
 * /archive/, PyPI…): files by path over HTTP, every request recorded.
 */
import { createServer, type Server } from 'node:http';

import { LocalServer } from './local-server.js';

export class FakeArchives extends LocalServer {
  readonly requests: string[] = [];
  private readonly files = new Map<string, Buffer>();

  add(path: string, content: Buffer | string): this {
    this.files.set(path, Buffer.from(content));
    return this;
  }

  protected makeServer(): Server {
    return createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      this.requests.push(path);
      const found = this.files.get(path);
      if (found === undefined) res.writeHead(404).end('Not Found');
      else res.writeHead(200, { 'content-type': 'application/gzip' }).end(found);
    });
  }
}
