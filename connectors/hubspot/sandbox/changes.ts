// Every change HubSpot would announce by webhook goes through here — API writes
// (changeSource INTEGRATION) and admin edits standing for a user in the UI (CRM_UI) alike — so
// the stored data and the webhook stream can never disagree.
import { validationError } from './errors.ts';
import type { ObjectKind, StoredRecord } from './objects.ts';
import { validatePropertyInputs } from './property-values.ts';
import type { SandboxState } from './state.ts';
import type { ChangeSource, WebhookEventInput } from './webhooks.ts';

/** The portal user the admin methods act as (same id the token info endpoint reports). */
export const ADMIN_USER_ID = 5001;

function emit(state: SandboxState, source: ChangeSource, event: Omit<WebhookEventInput, 'changeSource' | 'sourceId'>): void {
  // HubSpot names the app for integration writes and the user for UI edits.
  const sourceId = source === 'INTEGRATION' ? String(state.opts.appId) : `userId:${ADMIN_USER_ID}`;
  state.webhooks.emit({ ...event, changeSource: source, sourceId });
}

/**
 * Validates the `properties` of every input of one request (one 400 for all problems) and, for
 * deals, that each dealstage belongs to the deal's pipeline. Returns the normalised values.
 */
export function validateValues(
  state: SandboxState,
  kind: ObjectKind,
  inputs: unknown[],
  existing: Array<StoredRecord | undefined> = [],
): Array<Record<string, string>> {
  const valid = validatePropertyInputs(inputs, (name) => kind.lookup(name), state.opts.portalId);
  if (kind.name !== 'deals') return valid;
  const problems = valid.flatMap((values, i) => {
    const stage = values.dealstage;
    if (!stage) return [];
    const pipelineId = values.pipeline ?? existing[i]?.values.pipeline ?? 'default';
    const allowed = state.pipelines.get(pipelineId)?.stages.map((s) => s.id) ?? [];
    if (allowed.includes(stage)) return [];
    const message = `${stage} was not one of the allowed options: [${allowed.join(', ')}]`;
    return [{ isValid: false, message, error: 'INVALID_OPTION', name: 'dealstage', localizedErrorMessage: message, portalId: state.opts.portalId }];
  });
  if (problems.length > 0) {
    throw validationError(`Property values were not valid: ${JSON.stringify(problems)}`, {
      errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: ['dealstage'] } })),
    });
  }
  return valid;
}

export function createRecord(state: SandboxState, kind: ObjectKind, values: Record<string, string>, source: ChangeSource): StoredRecord {
  const record = state.createRecord(kind, values);
  emit(state, source, { subscriptionType: `${kind.singular}.creation`, objectId: record.id, changeFlag: 'NEW' });
  return record;
}

/** Applies values ("" clears) and announces one propertyChange per value that really changed. */
export function updateRecord(state: SandboxState, kind: ObjectKind, record: StoredRecord, values: Record<string, string>, source: ChangeSource): void {
  const changed = Object.entries(values).filter(([name, value]) => (record.values[name] ?? '') !== value);
  state.applyValues(record, values);
  for (const [propertyName, propertyValue] of changed) {
    emit(state, source, { subscriptionType: `${kind.singular}.propertyChange`, objectId: record.id, propertyName, propertyValue });
  }
}

function liveContact(state: SandboxState, id: string): StoredRecord {
  const contact = state.contacts.get(id);
  if (!contact) throw new Error(`no live contact ${id}`);
  return contact;
}

/** Archives (HubSpot's delete): the record leaves reads and search but can be restored. */
export function deleteContact(state: SandboxState, id: string, source: ChangeSource): void {
  const record = liveContact(state, id);
  state.contacts.delete(id);
  state.archivedContacts.set(id, { record, archivedAt: state.now() });
  emit(state, source, { subscriptionType: 'contact.deletion', objectId: id, changeFlag: 'DELETED' });
}

export function restoreContact(state: SandboxState, id: string, source: ChangeSource): void {
  const archived = state.archivedContacts.get(id);
  if (!archived) throw new Error(`no archived contact ${id}`);
  state.archivedContacts.delete(id);
  state.applyValues(archived.record, {});
  // List paging walks the map in id order: put the record back in its place.
  const all = [...state.contacts.values(), archived.record].sort((a, b) => Number(a.id) - Number(b.id));
  state.contacts.clear();
  for (const c of all) state.contacts.set(c.id, c);
  emit(state, source, { subscriptionType: 'contact.restore', objectId: id });
}

/**
 * HubSpot's current merge: both records are replaced by a NEW record with a new id; the
 * primary's values win, the secondary fills the gaps; both old ids resolve to the new record
 * (state.mergedInto); associations move over. Announced as contact.merge (primaryObjectId,
 * mergedObjectIds, newObjectId, numberOfPropertiesMoved) plus a deletion of the secondary.
 */
export function mergeContacts(state: SandboxState, primaryId: string, mergedId: string, source: ChangeSource): string {
  if (primaryId === mergedId) throw new Error('mergeContacts: a contact cannot be merged into itself');
  const primary = liveContact(state, primaryId);
  const merged = liveContact(state, mergedId);
  const moved = Object.keys(merged.values).filter((name) => primary.values[name] === undefined);
  const values: Record<string, string> = { ...merged.values, ...primary.values, createdate: state.valueOf(primary, 'createdate')! };
  const emails = [primary.values.hs_additional_emails, merged.values.hs_additional_emails, primary.values.email !== merged.values.email ? merged.values.email : undefined];
  const additional = emails.flatMap((e) => (e ? e.split(';') : []));
  if (additional.length > 0) values.hs_additional_emails = [...new Set(additional)].join(';');
  const mergedIds = [primary.values.hs_merged_object_ids, merged.values.hs_merged_object_ids, primaryId, mergedId];
  values.hs_merged_object_ids = mergedIds.flatMap((v) => (v ? v.split(';') : [])).join(';');

  state.contacts.delete(primaryId);
  state.contacts.delete(mergedId);
  const record = state.createRecord(state.contactKind, values);
  state.mergedInto.set(primaryId, record.id);
  state.mergedInto.set(mergedId, record.id);
  for (const [dealId, ids] of state.dealContacts) {
    state.dealContacts.set(dealId, [...new Set(ids.map((id) => (id === primaryId || id === mergedId ? record.id : id)))]);
  }
  emit(state, source, {
    subscriptionType: 'contact.merge',
    objectId: primaryId,
    extra: { primaryObjectId: Number(primaryId), mergedObjectIds: [Number(mergedId)], newObjectId: Number(record.id), numberOfPropertiesMoved: moved.length },
  });
  emit(state, source, { subscriptionType: 'contact.deletion', objectId: mergedId, changeFlag: 'DELETED' });
  return record.id;
}

/** GDPR delete: gone for good (not restorable), associations dropped, contact.privacyDeletion. */
export function privacyDeleteContact(state: SandboxState, id: string, source: ChangeSource): void {
  if (!state.contacts.delete(id) && !state.archivedContacts.delete(id)) throw new Error(`no contact ${id}`);
  for (const [dealId, ids] of state.dealContacts) state.dealContacts.set(dealId, ids.filter((c) => c !== id));
  emit(state, source, { subscriptionType: 'contact.privacyDeletion', objectId: id });
}

export function createDeal(state: SandboxState, values: Record<string, string>, contactIds: string[], source: ChangeSource): StoredRecord {
  for (const id of contactIds) liveContact(state, id);
  const pipeline = state.pipelines.get(values.pipeline ?? 'default');
  // The UI always fills pipeline and stage; default them to the pipeline's first stage.
  const withDefaults = { pipeline: pipeline?.id ?? 'default', dealstage: pipeline?.stages[0]?.id ?? '', ...values };
  const [valid] = validateValues(state, state.dealKind, [withDefaults]);
  const deal = createRecord(state, state.dealKind, valid!, source);
  state.dealContacts.set(deal.id, [...new Set(contactIds)]);
  return deal;
}

export function deleteDeal(state: SandboxState, id: string, source: ChangeSource): void {
  if (!state.deals.delete(id)) throw new Error(`no deal ${id}`);
  state.dealContacts.delete(id);
  emit(state, source, { subscriptionType: 'deal.deletion', objectId: id, changeFlag: 'DELETED' });
}
