import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { runSway, stopAllSway } from './helpers/cli.ts';

afterAll(stopAllSway);

const good = { SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HUBSPOT_CLIENT_ID: 'id', HUBSPOT_CLIENT_SECRET: 'secret' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config', () => {
  it('has documented defaults: embedded store, local Redis, HubSpot hosts', () => {
    const c = loadConfig(good);
    expect(c.store).toEqual({ kind: 'pglite', dir: './.data/pglite', schema: 'public' });
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.hubspot.apiBaseUrl).toBe('https://api.hubapi.com');
    expect(c.hubspot.appBaseUrl).toBe('https://app.hubspot.com');
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.host).toBe('127.0.0.1'); // loopback unless HOST says otherwise (containers: 0.0.0.0)
    expect(loadConfig({ ...good, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ ...good, HOST: '::' }).host).toBe('::');
    expect(problems({ ...good, HOST: 'http://x' })).toEqual(['HOST must be an IP address or a host name (0.0.0.0 for every interface)']);
    expect(loadConfig({ ...good, DATABASE_URL: 'postgres://u@h/db' }).store.kind).toBe('pg');
  });

  it('names each missing or bad variable', () => {
    expect(problems({})).toEqual(expect.arrayContaining([
      'SWAY_ENCRYPTION_KEY is required',
      'HUBSPOT_CLIENT_ID is required',
      'HUBSPOT_CLIENT_SECRET is required',
    ]));
    const bad = problems({ ...good, SWAY_ENCRYPTION_KEY: 'short', PORT: 'http', DATABASE_URL: 'mysql://x', HUBSPOT_API_BASE_URL: 'not a url' });
    expect(bad.map((p) => p.split(' ')[0])).toEqual(expect.arrayContaining(['SWAY_ENCRYPTION_KEY', 'PORT', 'DATABASE_URL', 'HUBSPOT_API_BASE_URL']));
    expect(bad.join('\n')).not.toContain('short'); // a bad secret is not echoed
  });

  it('`sway serve` exits 2 with a line naming the variable', async () => {
    const r = await runSway(['serve'], { HUBSPOT_CLIENT_ID: 'id', HUBSPOT_CLIENT_SECRET: 's' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('sway: configuration error: SWAY_ENCRYPTION_KEY is required');
  });

  it('`sway serve` with Redis unreachable exits non-zero with one line saying how to start it', async () => {
    const r = await runSway(['serve'], { ...good, REDIS_URL: 'redis://127.0.0.1:1', PGLITE_DIR: 'memory://', LOG_LEVEL: 'info' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sway: Redis is not reachable at redis:\/\/127\.0\.0\.1:1 .*redis-server/);
  });
});
