/**
 * The kit as one `sway import` NDJSON file (README "Importing files"), people first:
 *
 *   person        u<id>, email u<id>@epinions.invalid (how CRM contacts link to people),
 *                 audienceSize = trust in-degree, topics = up to `personTopics` categories the
 *                 person reviewed most in train (ties: lower category id) — a profile's interests
 *   interaction   each trust edge as a `follow` from truster to trustee (the trustee can influence
 *                 the truster: Sway's edge runs from the followed person to the follower)
 *   conversation  each train review: topics = [category name], sentiment = (rating − 3) / 2
 *
 * The data carry no timestamps, so every item gets the same `occurredAt`. Only fields documented
 * for the API are used: the strict schema (src/domain/signals.ts) refuses others.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Kit } from './kit.ts';

export const emailOf = (user: number) => `u${user}@epinions.invalid`;
export const personId = (user: number) => `u${user}`;
/** The kit's user id from a person id written here (NaN for anything else). */
export const userOf = (id: string) => (/^u\d+$/.test(id) ? Number(id.slice(1)) : Number.NaN);

export interface SignalsFileCounts {
  people: number;
  interactions: number;
  conversations: number;
}

/** Every person the kit names: people.csv, trust endpoints and reviewers. */
export function kitPeople(kit: Kit): number[] {
  const ids = new Set(kit.inDegree.keys());
  for (const a of [kit.truster, kit.trustee, kit.reviews.user]) for (const v of a) ids.add(v);
  return [...ids].sort((a, b) => a - b);
}

export async function writeSignalsFile(kit: Kit, path: string, occurredAt: string, personTopics = 3): Promise<SignalsFileCounts> {
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  const r = kit.reviews;
  const perCat = new Map<number, Map<number, number>>();
  for (let k = 0; k < r.user.length; k++) {
    let m = perCat.get(r.user[k]!);
    if (!m) perCat.set(r.user[k]!, (m = new Map()));
    m.set(r.category[k]!, (m.get(r.category[k]!) ?? 0) + 1);
  }
  const catName = (c: number) => kit.categories.get(c) ?? `category ${c}`;
  const people = kitPeople(kit);
  for (const u of people) {
    const topics = [...(perCat.get(u) ?? [])]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, personTopics)
      .map(([c]) => catName(c));
    const person = { type: 'person', id: personId(u), name: personId(u), emails: [emailOf(u)], audienceSize: kit.inDegree.get(u) ?? 0, ...(topics.length ? { topics } : {}) };
    await write(`${JSON.stringify(person)}\n`);
  }
  for (let e = 0; e < kit.truster.length; e++) {
    const from = kit.truster[e]!;
    const to = kit.trustee[e]!;
    await write(`${JSON.stringify({ type: 'interaction', externalId: `trust:${from}:${to}`, from: personId(from), to: personId(to), kind: 'follow', occurredAt })}\n`);
  }
  for (let k = 0; k < r.user.length; k++) {
    const line = {
      type: 'conversation',
      // The row number keeps repeated ratings of an item by one user apart, as the kit keeps them.
      externalId: `review:${k}`,
      person: personId(r.user[k]!),
      topics: [catName(r.category[k]!)],
      sentiment: (r.rating[k]! - 3) / 2,
      occurredAt,
    };
    await write(`${JSON.stringify(line)}\n`);
  }
  out.end();
  await once(out, 'finish');
  return { people: people.length, interactions: kit.truster.length, conversations: r.user.length };
}
