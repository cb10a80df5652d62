/**
 * The socket-level half of the test network guard (test/setup-network.ts). nock sees requests
 * made with node:http and the global fetch, but not clients that bring their own HTTP stack:
 * jsforce ≥ 3.10.17 sends through the `undici` package with its own dispatcher. Every TCP or
 * TLS client ends in `net.Socket.prototype.connect`, so refusing non-loopback hosts there
 * covers them all (pg, ioredis and the sandboxes stay on 127.0.0.1).
 */
import net from 'node:net';
import { networkInterfaces } from 'node:os';

export const REFUSED_CODE = 'ERR_TEST_NET_CONNECT_DISALLOWED';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i;

/** This machine's own interface addresses stay on the machine too (cli-serve checks Sway does not listen there). */
const OWN = new Set(Object.values(networkInterfaces()).flat().map((i) => i?.address).filter((a): a is string => !!a));

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host) || OWN.has(host.replace(/^\[|\]$/g, ''));
}

/** The host a `Socket#connect` call targets, or undefined for a local (IPC) path. */
export function connectTarget(args: unknown[]): string | undefined {
  // net.connect() hands over its normalised [options, callback] array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    const o = first as { path?: string; host?: string };
    return o.path !== undefined ? undefined : (o.host ?? 'localhost');
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  return undefined; // a path string
}

let installed = false;

export function refuseNonLoopbackSockets(): void {
  if (installed) return;
  installed = true;
  const connect = net.Socket.prototype.connect as (this: net.Socket, ...args: unknown[]) => net.Socket;
  (net.Socket.prototype as { connect: unknown }).connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = connectTarget(args);
    if (host === undefined || isLoopbackHost(host)) return connect.apply(this, args);
    // Fails like a refused connection would: asynchronously, on the socket. The code is not one
    // that jsforce retries (ECONNREFUSED, ENOTFOUND… are), so the refusal surfaces at once.
    const error = Object.assign(new Error(`Disallowed net connect to ${host} (tests reach loopback only)`), { code: REFUSED_CODE });
    process.nextTick(() => this.destroy(error));
    return this;
  };
}
