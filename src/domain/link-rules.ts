/**
 * Which person each CRM record is: the automatic link rules, pure (src/store/crm-records.ts
 * `relink` feeds them the matches it finds in the store and writes the result).
 *
 * Rules, in order:
 * 1. A record with a `manual` link (an admin said so: PUT /api/v1/links/contact/:crmId) or a
 *    `merge` link (the CRM merged records: src/store/record-lifecycle.ts) keeps it. The rules
 *    below neither replace it nor report conflicts about that record.
 * 2. The record's email (normalised) is a person's email → link, method `email`.
 * 3. Otherwise a handle on the record (crm_records.handles, from the fields the admin named)
 *    is a person's handle → link, method `handle`.
 *
 * Conflicts are reported, never guessed. Evidence that is ambiguous links nothing:
 * - `handle_claimed_by_records`: one handle, held by a person, is on several records (the
 *   handle links none of them; a record may still link by its email). Reported until every
 *   claimant is settled: linked by hand, or by its email to that same person;
 * - `handle_held_by_people` / `email_held_by_people`: one handle or email belongs to several
 *   people (the store's keys prevent it today; the rules do not rely on that);
 * - `email_handle_disagree`: the record's email is one person's and a handle another's → the
 *   record is not linked at all;
 * - `handles_disagree`: no email match, and the record's handles belong to different people →
 *   not linked.
 * An email shared by several records is not a conflict: one person may own several records.
 *
 * A false link is worse than a missing one (it writes one person's influence onto another's
 * record), which is why disagreement means no link rather than "email wins".
 */

/** How a link came about. `manual` and `merge` links are kept by relinking; the others are derived. */
export type LinkMethod = 'email' | 'handle' | 'manual' | 'merge';
/** Methods relinking derives (and may remove again when the data changes). */
export const DERIVED_LINK_METHODS = ['email', 'handle'] as const;
/** Methods relinking keeps as they are. */
export const KEPT_LINK_METHODS = ['manual', 'merge'] as const;

export interface RecordKey {
  objectType: string;
  crmId: string;
}

export interface PersonRef {
  /** Sway's internal id. */
  id: number;
  /** The caller's id for the person (what the API shows). */
  externalId: string;
}

/** A record whose email is a person's email. */
export interface EmailMatch extends RecordKey {
  email: string;
  person: PersonRef;
}

/** A record that has a handle a person holds (network is canonical, e.g. `x`). */
export interface HandleMatch extends RecordKey {
  network: string;
  handle: string;
  person: PersonRef;
}

export interface LinkRuleInput {
  /** Records with a `manual` or `merge` link: kept, not judged. */
  kept: readonly RecordKey[];
  emailMatches: readonly EmailMatch[];
  handleMatches: readonly HandleMatch[];
}

export interface DerivedLink extends RecordKey {
  personId: number;
  method: 'email' | 'handle';
}

export type ConflictKind =
  | 'handle_claimed_by_records'
  | 'handle_held_by_people'
  | 'email_held_by_people'
  | 'email_handle_disagree'
  | 'handles_disagree';

/** One piece of evidence in a conflict: a record's email or handle and whose it is. */
export interface ConflictEvidence extends RecordKey {
  kind: 'email' | 'handle';
  /** For handles: the network (`x`, `linkedin`…). */
  network?: string;
  value: string;
  /** The person's id (the caller's). */
  person: string;
}

export interface Conflict {
  kind: ConflictKind;
  /** One line for an admin: what disagrees, and that nothing was linked by it. */
  message: string;
  /** The records left unlinked by this evidence (or, for a claimed handle, every record claiming it). */
  records: RecordKey[];
  /** People involved (the caller's ids), sorted. */
  people: string[];
  evidence: ConflictEvidence[];
}

export interface LinkDecision {
  links: DerivedLink[];
  conflicts: Conflict[];
}

const keyOf = (r: RecordKey) => `${r.objectType}\u0000${r.crmId}`;
const recordName = (r: RecordKey) => `${r.objectType} ${r.crmId}`;
/** People are always written `person "<id>"`: privacy erasure finds run errors naming someone by it. */
export const personMention = (externalId: string) => `person ${JSON.stringify(externalId)}`;
const handleName = (network: string, handle: string) => `${network} handle ${JSON.stringify(handle)}`;
const compareKeys = (a: RecordKey, b: RecordKey) =>
  a.objectType < b.objectType ? -1 : a.objectType > b.objectType ? 1 : a.crmId.length - b.crmId.length || (a.crmId < b.crmId ? -1 : a.crmId > b.crmId ? 1 : 0);
const uniquePeople = (refs: Iterable<PersonRef>) => [...new Map([...refs].map((p) => [p.id, p])).values()];
const names = (people: PersonRef[]) => people.map((p) => personMention(p.externalId)).join(' and ');

function evidence(m: EmailMatch | HandleMatch): ConflictEvidence {
  return 'email' in m
    ? { objectType: m.objectType, crmId: m.crmId, kind: 'email', value: m.email, person: m.person.externalId }
    : { objectType: m.objectType, crmId: m.crmId, kind: 'handle', network: m.network, value: m.handle, person: m.person.externalId };
}

function conflict(kind: ConflictKind, message: string, records: RecordKey[], matches: (EmailMatch | HandleMatch)[]): Conflict {
  const recs = [...new Map(records.map((r) => [keyOf(r), { objectType: r.objectType, crmId: r.crmId }])).values()].sort(compareKeys);
  return {
    kind,
    message,
    records: recs,
    people: [...new Set(matches.map((m) => m.person.externalId))].sort(),
    evidence: matches.map(evidence),
  };
}

/** Groups matches by a key, in first-seen order. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Pure: the derived links and the conflicts for one installation's matches. Deterministic. */
export function decideLinks(input: LinkRuleInput): LinkDecision {
  const kept = new Set(input.kept.map(keyOf));
  const conflicts: Conflict[] = [];

  // Ambiguous identifiers first: they are evidence for nobody.
  const unusableEmails = new Set<string>();
  for (const [email, matches] of groupBy(input.emailMatches, (m) => m.email)) {
    const people = uniquePeople(matches.map((m) => m.person));
    if (people.length < 2) continue;
    unusableEmails.add(email);
    const open = matches.filter((m) => !kept.has(keyOf(m)));
    if (open.length === 0) continue;
    conflicts.push(conflict('email_held_by_people', `email ${JSON.stringify(email)} belongs to ${names(people)}: ${open.map(recordName).join(', ')} not linked by it`, open, matches));
  }
  // A record that links by its email to the person a shared handle belongs to is consistent
  // with it: it needs no decision, like a record with a kept link.
  const emailPersonOf = new Map<string, number>();
  for (const m of input.emailMatches) if (!unusableEmails.has(m.email)) emailPersonOf.set(keyOf(m), m.person.id);
  const unusableHandles = new Set<string>();
  const handleKey = (m: HandleMatch) => `${m.network}\u0000${m.handle}`;
  for (const [hk, matches] of groupBy(input.handleMatches, handleKey)) {
    const { network, handle } = matches[0]!;
    const people = uniquePeople(matches.map((m) => m.person));
    const records = [...new Map(matches.map((m) => [keyOf(m), m as RecordKey])).values()];
    const open = records.filter((r) => !kept.has(keyOf(r)));
    if (people.length > 1) {
      unusableHandles.add(hk);
      if (open.length > 0) {
        conflicts.push(conflict('handle_held_by_people', `${handleName(network, handle)} belongs to ${names(people)}: ${open.map(recordName).join(', ')} not linked by it`, open, matches));
      }
    }
    if (records.length > 1) {
      unusableHandles.add(hk);
      // Reported while a claimant still needs a decision; every claimant is listed.
      const undecided = open.filter((r) => people.length > 1 || emailPersonOf.get(keyOf(r)) !== people[0]!.id);
      if (undecided.length > 0) {
        conflicts.push(
          conflict(
            'handle_claimed_by_records',
            `${handleName(network, handle)} (${names(people)}) is on ${records.length} records (${records.map(recordName).join(', ')}): none is linked by it`,
            records,
            matches,
          ),
        );
      }
    }
  }

  // Per record, in a stable order.
  const emailsByRecord = groupBy(input.emailMatches.filter((m) => !unusableEmails.has(m.email)), keyOf);
  const handlesByRecord = groupBy(input.handleMatches.filter((m) => !unusableHandles.has(handleKey(m))), keyOf);
  const records = [...new Map([...input.emailMatches, ...input.handleMatches].map((m) => [keyOf(m), { objectType: m.objectType, crmId: m.crmId }])).values()]
    .filter((r) => !kept.has(keyOf(r)))
    .sort(compareKeys);
  const links: DerivedLink[] = [];
  for (const record of records) {
    const k = keyOf(record);
    const emails = emailsByRecord.get(k) ?? [];
    const handles = handlesByRecord.get(k) ?? [];
    const emailPeople = uniquePeople(emails.map((m) => m.person));
    const handlePeople = uniquePeople(handles.map((m) => m.person));
    // A record has one email column, so at most one email person; more would be a bug upstream.
    if (emailPeople.length > 1) continue;
    const emailPerson = emailPeople[0];
    if (emailPerson) {
      const against = handles.filter((m) => m.person.id !== emailPerson.id);
      if (against.length > 0) {
        const e = emails[0]!;
        const h = against[0]!;
        conflicts.push(
          conflict(
            'email_handle_disagree',
            `${recordName(record)}: email ${JSON.stringify(e.email)} is ${personMention(emailPerson.externalId)} but ${handleName(h.network, h.handle)} is ${personMention(h.person.externalId)}: not linked`,
            [record],
            [...emails, ...handles],
          ),
        );
        continue;
      }
      links.push({ ...record, personId: emailPerson.id, method: 'email' });
      continue;
    }
    if (handlePeople.length > 1) {
      const described = handles.map((m) => `${handleName(m.network, m.handle)} is ${personMention(m.person.externalId)}`).join(', ');
      conflicts.push(conflict('handles_disagree', `${recordName(record)}: ${described}: not linked`, [record], handles));
      continue;
    }
    if (handlePeople.length === 1) links.push({ ...record, personId: handlePeople[0]!.id, method: 'handle' });
  }

  conflicts.sort((a, b) => compareKeys(a.records[0]!, b.records[0]!) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return { links, conflicts };
}
