/**
 * Change events: what a CRM tells Sway happened to one of its records, in a form that does not
 * depend on the CRM. Connectors map their webhook payloads or change-data-capture messages
 * onto this type; the store keeps them (webhook_events) and the
 * webhook job acts on them without knowing which CRM sent them.
 *
 * Events arrive unordered and may be delivered more than once: `occurredAt` gives the order,
 * `eventId` the identity.
 */

export const CHANGE_OBJECT_TYPES = ['contact', 'deal', 'company'] as const;
export type ChangeObjectType = (typeof CHANGE_OBJECT_TYPES)[number];

export const CHANGE_KINDS = ['created', 'updated', 'deleted', 'merged', 'privacyDeleted', 'restored'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ChangeEvent {
  /**
   * Unique across CRMs and accounts (the connector namespaces the vendor's id, e.g.
   * `<crm>:<account>:<vendor event id>`), so one table can dedupe every CRM's events on it.
   */
  eventId: string;
  /** The CRM account the event belongs to (installations.account_id). */
  accountId: string;
  objectType: ChangeObjectType;
  kind: ChangeKind;
  /** The record the event is about, as the CRM names it. */
  objectId: string;
  /** `updated` only: the property that changed and its new value ("" when cleared). */
  propertyName?: string;
  propertyValue?: string;
  occurredAt: Date;
  /** `merged` only: the record that remains (it may be a new id, not one of the merged ones). */
  survivingId?: string;
  /** `merged` only: the records that no longer exist on their own (never includes survivingId). */
  mergedIds?: string[];
  /**
   * `merged` only: the record whose values won the merge (the "primary"). Equal to
   * survivingId when the CRM kept the primary's id; one of mergedIds when it made a new record.
   */
  primaryId?: string;
}

/** The stored form of an event's type: `contact.updated`, `deal.deleted`… */
export const changeTypeKey = (e: Pick<ChangeEvent, 'objectType' | 'kind'>): string => `${e.objectType}.${e.kind}`;

export function parseChangeTypeKey(key: string): { objectType: ChangeObjectType; kind: ChangeKind } | null {
  const [objectType, kind] = key.split('.');
  if (!(CHANGE_OBJECT_TYPES as readonly string[]).includes(objectType ?? '')) return null;
  if (!(CHANGE_KINDS as readonly string[]).includes(kind ?? '')) return null;
  return { objectType: objectType as ChangeObjectType, kind: kind as ChangeKind };
}
