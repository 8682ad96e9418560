/**
 * What the fakes that are not JSON APIs share (dist-git's git, the lookaside cache, archives):
 * a `node:http(s)` server on 127.0.0.1 at a free port, its base URL, and a stop that closes its
 * connections. Subclasses make the server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class LocalServer {
  private server: Server | null = null;
  private baseUrl: string | null = null;

  /** The server, its requests routed; `https` servers report an https URL. */
  protected abstract makeServer(): Server;

  /** Appended to `scheme://127.0.0.1:port` (e.g. `/repo/pkgs`). */
  protected basePath(): string {
    return '';
  }

  async start(): Promise<string> {
    if (this.baseUrl !== null) return this.baseUrl;
    const server = this.makeServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const scheme = 'setSecureContext' in server ? 'https' : 'http';
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `${scheme}://127.0.0.1:${port}${this.basePath()}`;
    return this.baseUrl;
  }

  get url(): string {
    if (this.baseUrl === null) throw new Error(`${this.constructor.name} not started`);
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.baseUrl = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
