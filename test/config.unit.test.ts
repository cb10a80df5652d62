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
    expect(c.crms.hubspot?.oauthApp).toMatchObject({ clientId: 'id', clientSecret: 'secret', apiBaseUrl: 'https://api.hubapi.com', appBaseUrl: 'https://app.hubspot.com' });
    // Limits and timeout are the connector's unless overridden (connectors/hubspot/limits.ts).
    expect(c.crms.hubspot?.limits).toEqual({ share: 0.9, burst: { standard: { requests: undefined, intervalMs: undefined }, search: { requests: undefined } } });
    expect(c.crms.hubspot?.timeoutMs).toBeUndefined();
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.host).toBe('127.0.0.1'); // loopback unless HOST says otherwise (containers: 0.0.0.0)
    expect(loadConfig({ ...good, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ ...good, HOST: '::' }).host).toBe('::');
    expect(problems({ ...good, HOST: 'http://x' })).toEqual(['HOST must be an IP address or a host name (0.0.0.0 for every interface)']);
    expect(loadConfig({ ...good, DATABASE_URL: 'postgres://u@h/db' }).store.kind).toBe('pg');
  });

  it('names each missing or bad variable', () => {
    expect(problems({})).toEqual(['SWAY_ENCRYPTION_KEY is required']);
    const bad = problems({ ...good, SWAY_ENCRYPTION_KEY: 'short', PORT: 'http', DATABASE_URL: 'mysql://x', HUBSPOT_API_BASE_URL: 'not a url' });
    expect(bad.map((p) => p.split(' ')[0])).toEqual(expect.arrayContaining(['SWAY_ENCRYPTION_KEY', 'PORT', 'DATABASE_URL', 'HUBSPOT_API_BASE_URL']));
    expect(bad.join('\n')).not.toContain('short'); // a bad secret is not echoed
  });

  it('reads no CRM block unless one of its variables is set; a block partly set is refused by name', () => {
    const key = { SWAY_ENCRYPTION_KEY: good.SWAY_ENCRYPTION_KEY };
    expect(loadConfig(key).crms).toEqual({});
    expect(loadConfig({ ...key, HUBSPOT_CLIENT_ID: '', HUBSPOT_CLIENT_SECRET: ' ' }).crms).toEqual({}); // empty counts as unset
    expect(problems({ ...key, HUBSPOT_CLIENT_ID: 'id' })).toEqual(['HUBSPOT_CLIENT_SECRET is required']);
    expect(problems({ ...key, HUBSPOT_API_BASE_URL: 'http://127.0.0.1:9' })).toEqual(['HUBSPOT_CLIENT_ID is required', 'HUBSPOT_CLIENT_SECRET is required']);
    // Commands that call no CRM do not read the blocks at all: a broken one cannot stop them.
    expect(loadConfig({ ...key, HUBSPOT_CLIENT_ID: 'id', HUBSPOT_RATE_LIMIT: 'many' }, { crms: 'ignored' }).crms).toEqual({});
  });

  it('takes limit and timeout overrides from the block', () => {
    const c = loadConfig({ ...good, HUBSPOT_RATE_LIMIT: '110', HUBSPOT_RATE_INTERVAL_MS: '1000', HUBSPOT_RATE_SHARE: '0.5', HUBSPOT_SEARCH_RATE_LIMIT: '4', HUBSPOT_TIMEOUT_MS: '2000' });
    expect(c.crms.hubspot?.limits).toEqual({ share: 0.5, burst: { standard: { requests: 110, intervalMs: 1000 }, search: { requests: 4 } } });
    expect(c.crms.hubspot?.timeoutMs).toBe(2000);
    expect(problems({ ...good, HUBSPOT_RATE_SHARE: '2' })[0]).toMatch(/^HUBSPOT_RATE_SHARE /);
  });

  it('a command that needs a CRM is refused with one line when none is configured', () => {
    let err: unknown;
    try {
      loadConfig({ SWAY_ENCRYPTION_KEY: good.SWAY_ENCRYPTION_KEY }, { crms: 'required' });
    } catch (e) {
      err = e;
    }
    expect((err as ConfigError).problems).toEqual(['no CRM is configured: set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET (README: Configuration)']);
    expect(loadConfig(good, { crms: 'required' }).crms.hubspot).toBeDefined();
  });

  it('`sway serve` and `sway worker` without any CRM exit 2 with one line', async () => {
    const key = { SWAY_ENCRYPTION_KEY: good.SWAY_ENCRYPTION_KEY, DATABASE_URL: 'postgres://127.0.0.1:1/none' };
    for (const command of ['serve', 'worker']) {
      const r = await runSway([command], key);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe('sway: configuration error: no CRM is configured: set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET (README: Configuration)');
    }
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
