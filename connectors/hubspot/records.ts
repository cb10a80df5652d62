/**
 * Contact reads and batch writes of any object Sway writes in HubSpot (mappers.ts
 * HUBSPOT_WRITE_OBJECTS). A write is one batch update of at most HUBSPOT_BATCH_MAX: a 207 marks
 * its refused records failed with HubSpot's reason (good records stay written), while a
 * rejected batch, rate limits and server errors are thrown for the push engine to decide.
 */
import type { CrmObject } from '../../src/domain/objects.ts';
import type { BatchOutcome, ContactReadOptions, CrmContact, CrmSession, RecordError, WriteRecord } from '../connector.ts';
import { HUBSPOT_BATCH_MAX, HUBSPOT_PAGE_MAX } from './api.ts';
import { callOptions, sessionClient } from './client.ts';
import { classifyHubSpotError } from './errors.ts';
import { contactReadProperties, fromHubSpotContact, hubspotWriteObject } from './mappers.ts';

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
export async function writeBatch(session: CrmSession, object: CrmObject, records: readonly WriteRecord[]): Promise<BatchOutcome> {
  // Before any request: an object Sway does not write in HubSpot is a bug, not a CRM answer.
  const type = hubspotWriteObject(object);
  if (records.length > HUBSPOT_BATCH_MAX) throw new RangeError(`a HubSpot batch holds at most ${HUBSPOT_BATCH_MAX} records`);
  const client = sessionClient(session);
  const api = type === 'contacts' ? client.crm.contacts.batchApi : client.crm.deals.batchApi;
  let res;
  try {
    res = await api.update({ inputs: records.map((b) => ({ id: b.id, properties: b.properties })) }, callOptions(session));
  } catch (err) {
    throw classifyHubSpotError(err, `HubSpot ${object} batch update`);
  }
  const failed: RecordError[] = [];
  const bad = new Set<string>();
  for (const e of (res as { errors?: { message: string; category?: string; context?: { ids?: string[] } }[] }).errors ?? []) {
    // OBJECT_NOT_FOUND: the record was deleted (or merged away) in HubSpot; no webhook told us.
    const notFound = e.category === 'OBJECT_NOT_FOUND';
    for (const id of e.context?.ids ?? []) {
      bad.add(id);
      failed.push({ recordId: id, message: e.message.slice(0, 300), ...(notFound ? { notFound } : {}) });
    }
  }
  return { written: records.filter((b) => !bad.has(b.id)).map((b) => b.id), failed };
}
