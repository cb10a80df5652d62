/**
 * The HTTP listener both CRM sandboxes (connectors/<crm>/sandbox) run on: loopback only, a
 * random port by default, and a stop() that does not hang on the keep-alive sockets the SDKs
 * reuse or on the requests a latency fault holds open. One copy, so a fix reaches both.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxListenerOptions {
  /** Named in the error thrown when `url` is read before start(). */
  label: string;
  /** Idle keep-alive time; Node's 5 s default is far shorter than the vendors' edges keep. */
  keepAliveTimeoutMs?: number;
}

export class SandboxListener {
  private server: Server | undefined;
  private baseUrl: string | undefined;

  /** `app` may be set after construction (an app that needs the listener's URL). */
  constructor(
    private readonly options: SandboxListenerOptions,
    public app?: RequestListener,
  ) {}

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.options.label} sandbox is not started: call start() first`);
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    if (!this.app) throw new Error(`${this.options.label} sandbox: no app`);
    const server = createServer(this.app);
    if (this.options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = this.options.keepAliveTimeoutMs;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // Keep-alive sockets and hung requests (faults.ts) would hold close() open.
      server.closeAllConnections();
    });
  }
}
