/**
 * Contact reads and writes. Writes are split into batches of HUBSPOT_BATCH_MAX; a 207 or a
 * rejected batch marks its records failed with HubSpot's reason (good records stay written),
 * while rate limits and server errors are thrown for the job layer to retry.
 */
import type { ContactFieldValues } from '../../src/domain/fields.ts';
import type { BatchOutcome, BatchWriteResult, ContactReadOptions, CrmContact, CrmSession, RecordError } from '../connector.ts';
import { HUBSPOT_BATCH_MAX, HUBSPOT_PAGE_MAX } from './api.ts';
import { callOptions, sessionClient } from './client.ts';
import { classifyHubSpotError } from './errors.ts';
import { contactReadProperties, fromHubSpotContact, toHubSpotProperties } from './mappers.ts';

export async function* listContacts(session: CrmSession, options: { pageSize?: number } & ContactReadOptions = {}): AsyncIterable<CrmContact[]> {
  const client = sessionClient(session);
  const limit = Math.min(options.pageSize ?? HUBSPOT_PAGE_MAX, HUBSPOT_PAGE_MAX);
  const properties = contactReadProperties(options.extraProperties);
  let after: string | undefined;
  do {
    let page;
    try {
      page = await client.crm.contacts.basicApi.getPage(limit, after, properties, undefined, undefined, undefined, callOptions(session));
    } catch (err) {
      throw classifyHubSpotError(err, 'HubSpot contact list');
    }
    yield page.results.map((r) => fromHubSpotContact({ id: r.id, properties: r.properties }, options.extraProperties));
    after = page.paging?.next?.after;
  } while (after);
}

export async function readContacts(session: CrmSession, ids: readonly string[], options: ContactReadOptions = {}): Promise<CrmContact[]> {
  const client = sessionClient(session);
  const properties = contactReadProperties(options.extraProperties);
  const out: CrmContact[] = [];
  for (let i = 0; i < ids.length; i += HUBSPOT_BATCH_MAX) {
    const inputs = ids.slice(i, i + HUBSPOT_BATCH_MAX).map((id) => ({ id }));
    try {
      // A 207 lists ids that are gone (deleted or merged away): they are simply absent here.
      const res = await client.crm.contacts.batchApi.read({ inputs, properties, propertiesWithHistory: [] }, undefined, callOptions(session));
      for (const r of res.results) out.push(fromHubSpotContact({ id: r.id, properties: r.properties }, options.extraProperties));
    } catch (err) {
      throw classifyHubSpotError(err, 'HubSpot contact batch read');
    }
  }
  return out;
}

/** One batch update (≤ 100). A 207 names the refused ids; a 400 refuses the whole batch (thrown). */
export async function writeContactBatch(
  session: CrmSession,
  batch: readonly { id: string; properties: Record<string, string> }[],
): Promise<BatchOutcome> {
  if (batch.length > HUBSPOT_BATCH_MAX) throw new RangeError(`a HubSpot batch holds at most ${HUBSPOT_BATCH_MAX} records`);
  let res;
  try {
    res = await sessionClient(session).crm.contacts.batchApi.update({ inputs: batch.map((b) => ({ id: b.id, properties: b.properties })) }, callOptions(session));
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot contact batch update');
  }
  const failed: RecordError[] = [];
  const bad = new Set<string>();
  for (const e of (res as { errors?: { message: string; category?: string; context?: { ids?: string[] } }[] }).errors ?? []) {
    // OBJECT_NOT_FOUND: the contact was deleted (or merged away) in HubSpot; no webhook told us.
    const notFound = e.category === 'OBJECT_NOT_FOUND';
    for (const id of e.context?.ids ?? []) {
      bad.add(id);
      failed.push({ recordId: id, message: e.message.slice(0, 300), ...(notFound ? { notFound } : {}) });
    }
  }
  return { written: batch.filter((b) => !bad.has(b.id)).map((b) => b.id), failed };
}

/** Writes catalogue values without delta or retries (the push engine in src/sync adds those). */
export async function updateContacts(
  session: CrmSession,
  updates: readonly { id: string; values: ContactFieldValues }[],
): Promise<BatchWriteResult> {
  const failed: RecordError[] = [];
  let written = 0;
  let calls = 0;
  for (let i = 0; i < updates.length; i += HUBSPOT_BATCH_MAX) {
    const chunk = updates.slice(i, i + HUBSPOT_BATCH_MAX);
    calls++;
    try {
      const out = await writeContactBatch(session, chunk.map((u) => ({ id: u.id, properties: toHubSpotProperties(u.values) })));
      written += out.written.length;
      failed.push(...out.failed);
    } catch (err) {
      const e = classifyHubSpotError(err);
      if (e.code !== 'INVALID') throw e;
      for (const u of chunk) failed.push({ recordId: u.id, message: e.message });
    }
  }
  return { written, failed, calls };
}
