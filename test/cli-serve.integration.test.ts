import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEnv, servingUrl, startSway, stopAllSway } from './helpers/cli.ts';
import { waitForHttp } from './helpers/wait.ts';

// Every child is killed even when an assertion fails first.
afterAll(stopAllSway);

/** 'connected' or the connect error's code. */
function tcpConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('sway serve', () => {
  it('serves /healthz on 127.0.0.1 (unless HOST says otherwise) and stops gracefully on SIGTERM with exit code 0', async () => {
    const p = startSway(['serve'], serveEnv({ LOG_LEVEL: 'info' }));
    try {
      const url = await servingUrl(p);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await waitForHttp(`${url}/healthz`, '/healthz')).status).toBe(200);
      // Not reachable on this machine's other addresses (when it has any). A raw TCP connect:
      // fetch is limited to loopback by test/setup-network.ts.
      const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) expect(await tcpConnect(external.address, Number(new URL(url).port))).toBe('ECONNREFUSED');
      expect(await p.stop('SIGTERM')).toBe(0);
      expect(p.output()).toContain('shutting down gracefully');
      expect(p.output()).not.toContain('secret');
    } finally {
      await p.stop('SIGKILL');
    }
  });

  it('a port already in use: exit code 1 and one line naming the port, no stack', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const p = startSway(['serve'], serveEnv({ PORT: String(port) }));
    try {
      expect(await p.exited).toBe(1);
      const lines = p.output().trim().split('\n');
      expect(lines).toEqual([`sway: port ${port} on 127.0.0.1 is already in use (another sway serve or demo --serve?); stop that process or set PORT to a free port`]);
    } finally {
      await p.stop('SIGKILL');
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a HOST that is not an address: exit code 2 naming the variable', async () => {
    const p = startSway(['serve'], serveEnv({ HOST: 'not a host!' }));
    try {
      expect(await p.exited).toBe(2);
      expect(p.output().trim()).toBe('sway: configuration error: HOST must be an IP address or a host name (0.0.0.0 for every interface)');
    } finally {
      await p.stop('SIGKILL');
    }
  });
});
