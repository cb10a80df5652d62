/**
 * graph-load reads interactions with and without filters (touching some people, made by some
 * people, not to others): every edge must come exactly once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalsBatchSchema } from '../../src/domain/signals.ts';
import { EdgeColumns } from '../../src/influence/graph.ts';
import type { Config } from '../../src/config.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { loadInteractions, loadPeople, TopicCombos } from '../../src/store/graph-load.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import { storeSignals } from '../../src/store/signals.ts';
import { dropSchema, testConfig } from '../helpers/harness.ts';

let config: Config;
let store: Store;
let inst: string;
const N = 3000;
const ids: number[] = [];

beforeAll(async () => {
  config = testConfig(null);
  store = await openStore(config);
  ({ installation: { id: inst } } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: `acc-${randomBytes(4).toString('hex')}`, accountDomain: null, scopes: [] }, {
    accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000),
  }));
  const at = new Date(Date.now() - 86_400_000).toISOString();
  await storeSignals(store.db, inst, SignalsBatchSchema.parse({ people: Array.from({ length: N }, (_, i) => ({ id: `p${i}` })) }));
  // Person i engages i+1, i+7 and i+1500 (so edges cross any split of the id list).
  const edges = Array.from({ length: N }, (_, i) => [1, 7, 1500].map((d, k) => ({ externalId: `e${i}-${k}`, from: `p${i}`, to: `p${(i + d) % N}`, kind: 'reply', topics: ['crm'], occurredAt: at }))).flat();
  for (let i = 0; i < edges.length; i += 4500) await storeSignals(store.db, inst, SignalsBatchSchema.parse({ interactions: edges.slice(i, i + 4500) }));
  await loadPeople(store.db, inst, (p) => ids.push(p.id));
});
afterAll(async () => {
  await store.close();
  if (config.store.kind === 'pg') await dropSchema(config.store.url, config.store.schema);
});

async function edgesWith(filter: Parameters<typeof loadInteractions>[6]) {
  const index = new Map(ids.map((id, i) => [id, i]));
  const cols = new EdgeColumns();
  const n = await loadInteractions(store.db, inst, cols, (id) => index.get(id) ?? -1, new TopicCombos(), new Date(), filter);
  const pairs = Array.from({ length: cols.count }, (_, e) => `${cols.from[e]}>${cols.to[e]}`).sort();
  return { n, pairs };
}

describe('loadInteractions', () => {
  it('reads every edge once, whole or through a split filter', async () => {
    expect(ids).toHaveLength(N);
    const all = await edgesWith({});
    expect(all.pairs).toHaveLength(3 * N);
    expect(new Set(all.pairs).size).toBe(3 * N);
    // Touching everyone: the same edges.
    expect((await edgesWith({ touching: ids })).pairs).toEqual(all.pairs);
    // Touching a third: edges with either end in it, once each.
    const third = ids.slice(0, N / 3);
    const inThird = new Set(third.map((_, i) => i));
    const touching = await edgesWith({ touching: third });
    expect(touching.pairs).toEqual(all.pairs.filter((p) => p.split('>').some((x) => inThird.has(Number(x)))));
    // Out-edges of 2,500 people, none to the excluded.
    const from = ids.slice(0, 2500);
    const notTo = ids.slice(0, 10);
    const out = await edgesWith({ from, notTo });
    expect(out.pairs).toEqual(all.pairs.filter((p) => Number(p.split('>')[0]) < 2500 && Number(p.split('>')[1]) >= 10));
  });
});
