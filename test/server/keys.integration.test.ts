/**
 * API keys (issue 10, item 5): listing, rotation and revocation through the API and the
 * `sway keys` command (run in-process against the harness's store, as its tests pass `open`).
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKeysCommands } from '../../src/keys-cli.ts';
import { otherInstallation } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let firstKey: string;
beforeAll(async () => {
  h = await startHarness();
  ({ installationId, apiKey: firstKey } = await h.install());
});
afterAll(async () => {
  await h.close();
});

const call = (method: string, path: string, key: string) => fetch(`${h.rt.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
const works = async (key: string) => (await call('GET', '/api/v1/keys', key)).status === 200;
type Listed = { id: string; prefix: string; createdAt: string; revokedAt: string | null; current: boolean };

async function sway(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = -1;
  const program = new Command('sway').exitOverride();
  registerKeysCommands(program, { open: async () => ({ db: h.rt.store.db, close: async () => {} }), out: (l) => out.push(l), err: (l) => err.push(l), exit: (c) => void (code = c) });
  await program.parseAsync(['node', 'sway', ...args]);
  return { code, out, err };
}

describe('keys API', () => {
  it('lists keys without the secret, marks the current one; rotation issues a new key and revokes the calling one', async () => {
    const list = (await (await call('GET', '/api/v1/keys', firstKey)).json()) as { keys: Listed[] };
    expect(list.keys).toHaveLength(1);
    expect(list.keys[0]!.current).toBe(true);
    expect(firstKey).toContain(`sway_${list.keys[0]!.prefix}_`);
    expect(JSON.stringify(list)).not.toContain(firstKey.slice('sway_'.length + 9));

    const rotated = await call('POST', '/api/v1/keys/rotate', firstKey);
    expect(rotated.status).toBe(201);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const body = (await rotated.json()) as { id: string; apiKey: string; revoked: string[] };
    expect(body.revoked).toEqual([list.keys[0]!.id]);
    expect(await works(firstKey)).toBe(false);
    expect(await works(body.apiKey)).toBe(true);
    firstKey = body.apiKey;
  });

  it('revokes the current key, or one by id (404 for another installation\'s or an unknown one)', async () => {
    const extra = (await (await call('POST', '/api/v1/keys/rotate', firstKey)).json()) as { id: string; apiKey: string };
    const spare = (await sway('keys', 'rotate', '--installation', installationId, '--keep-old')).out[0]!;
    expect(await works(spare)).toBe(true);
    const other = await otherInstallation(h);
    const otherId = ((await (await call('GET', '/api/v1/keys', other.apiKey)).json()) as { keys: Listed[] }).keys[0]!.id;
    expect((await call('DELETE', `/api/v1/keys/${otherId}`, spare)).status).toBe(404);
    expect(await works(other.apiKey)).toBe(true);
    expect((await call('DELETE', '/api/v1/keys/not-a-uuid', spare)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/keys/${extra.id}`, spare)).status).toBe(204);
    expect(await works(extra.apiKey)).toBe(false);
    expect((await call('DELETE', '/api/v1/keys/current', spare)).status).toBe(204);
    expect(await works(spare)).toBe(false);
  });
});

describe('sway keys', () => {
  it('rotate prints a new key once and revokes the active ones; list shows prefixes and revocations; revoke --all', async () => {
    const rotated = await sway('keys', 'rotate', '--installation', installationId);
    expect(rotated.code).toBe(0);
    const key = rotated.out[0]!;
    expect(key).toMatch(/^sway_[0-9a-f]{8}_/);
    expect(await works(key)).toBe(true);
    const listed = await sway('keys', 'list', '--installation', installationId);
    expect(listed.code).toBe(0);
    const active = listed.out.slice(1).filter((l) => l.endsWith(' -'));
    expect(active).toHaveLength(1);
    expect(active[0]).toContain(key.split('_')[1]!);
    expect(listed.out.join('\n')).not.toContain(key.slice('sway_'.length + 9));

    const revoked = await sway('keys', 'revoke', '--installation', installationId, '--all');
    expect(revoked).toMatchObject({ code: 0, out: ['revoked 1 key(s)'] });
    expect(await works(key)).toBe(false);
  });

  it('refuses bad usage with one line and exit 2; an unknown installation or key with exit 1', async () => {
    expect(await sway('keys', 'list', '--installation', 'nope')).toMatchObject({ code: 2, err: ['sway: --installation must be an id (a uuid), got "nope"'] });
    expect((await sway('keys', 'revoke', '--installation', installationId)).code).toBe(2);
    expect((await sway('keys', 'list', '--installation', '00000000-0000-4000-8000-000000000000')).code).toBe(1);
    const unknownKey = await sway('keys', 'revoke', '--installation', installationId, '--key', '00000000-0000-4000-8000-000000000000');
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.err[0]).toMatch(/^sway: no active key/);
  });
});
