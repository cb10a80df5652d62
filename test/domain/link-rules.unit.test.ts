import { describe, expect, it } from 'vitest';
import { decideLinks, type EmailMatch, type HandleMatch, type LinkRuleInput } from '../../src/domain/link-rules.ts';

const ana = { id: 1, externalId: 'ana' };
const bo = { id: 2, externalId: 'bo' };
const cy = { id: 3, externalId: 'cy' };
const email = (crmId: string, address: string, person = ana): EmailMatch => ({ objectType: 'contact', crmId, email: address, person });
const handle = (crmId: string, network: string, h: string, person = ana): HandleMatch => ({ objectType: 'contact', crmId, network, handle: h, person });
const decide = (input: Partial<LinkRuleInput>) => decideLinks({ kept: [], emailMatches: [], handleMatches: [], ...input });

describe('decideLinks: the rules', () => {
  it('links by email, then by handle', () => {
    const { links, conflicts } = decide({
      emailMatches: [email('1', 'ana@example.com')],
      handleMatches: [handle('2', 'x', 'bo', bo), handle('1', 'x', 'ana_x')],
    });
    expect(links).toEqual([
      { objectType: 'contact', crmId: '1', personId: 1, method: 'email' },
      { objectType: 'contact', crmId: '2', personId: 2, method: 'handle' },
    ]);
    expect(conflicts).toEqual([]);
  });

  it('lets several records share one email (one person may own several records)', () => {
    const { links, conflicts } = decide({ emailMatches: [email('1', 'ana@example.com'), email('2', 'ana@example.com')] });
    expect(links.map((l) => [l.crmId, l.personId, l.method])).toEqual([['1', 1, 'email'], ['2', 1, 'email']]);
    expect(conflicts).toEqual([]);
  });

  it('links by handle when several handles of the record agree', () => {
    const { links, conflicts } = decide({ handleMatches: [handle('1', 'x', 'ana_x'), handle('1', 'linkedin', 'ana-li')] });
    expect(links).toEqual([{ objectType: 'contact', crmId: '1', personId: 1, method: 'handle' }]);
    expect(conflicts).toEqual([]);
  });

  it('keeps manual and merge links: no derived link and no conflict for those records', () => {
    const { links, conflicts } = decide({
      kept: [{ objectType: 'contact', crmId: '1' }],
      emailMatches: [email('1', 'ana@example.com')],
      handleMatches: [handle('1', 'x', 'bo', bo)],
    });
    expect(links).toEqual([]);
    expect(conflicts).toEqual([]);
  });

  it('is deterministic whatever the input order (numeric ids in numeric order)', () => {
    const matches = [email('10', 'a@e.com'), email('9', 'b@e.com', bo), email('100', 'c@e.com', cy)];
    const a = decide({ emailMatches: matches });
    const b = decide({ emailMatches: [...matches].reverse() });
    expect(a).toEqual(b);
    expect(a.links.map((l) => l.crmId)).toEqual(['9', '10', '100']);
  });
});

describe('decideLinks: conflicts are reported, never guessed', () => {
  it('a handle claimed by two records links neither (and says which records and whose handle)', () => {
    const { links, conflicts } = decide({ handleMatches: [handle('1', 'x', 'ana_x'), handle('2', 'x', 'ana_x')] });
    expect(links).toEqual([]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      kind: 'handle_claimed_by_records',
      records: [{ objectType: 'contact', crmId: '1' }, { objectType: 'contact', crmId: '2' }],
      people: ['ana'],
    });
    expect(conflicts[0]!.message).toContain('x handle "ana_x"');
    expect(conflicts[0]!.message).toContain('person "ana"');
  });

  it('a shared handle does not stop a record linking by its email', () => {
    const { links, conflicts } = decide({
      emailMatches: [email('1', 'ana@example.com')],
      handleMatches: [handle('1', 'x', 'ana_x'), handle('2', 'x', 'ana_x')],
    });
    expect(links).toEqual([{ objectType: 'contact', crmId: '1', personId: 1, method: 'email' }]);
    expect(conflicts.map((c) => c.kind)).toEqual(['handle_claimed_by_records']);
  });

  it('a shared handle is still reported while one claimant has no manual link, and not once all have', () => {
    const matches = [handle('1', 'x', 'ana_x'), handle('2', 'x', 'ana_x')];
    expect(decide({ kept: [{ objectType: 'contact', crmId: '1' }], handleMatches: matches }).conflicts.map((c) => c.kind)).toEqual(['handle_claimed_by_records']);
    expect(decide({ kept: [{ objectType: 'contact', crmId: '1' }, { objectType: 'contact', crmId: '2' }], handleMatches: matches }).conflicts).toEqual([]);
  });

  it('a shared handle is settled once each claimant links by email to its owner or by hand', () => {
    // Two CRM records of one person (a duplicate): the one with the email links; the other needs a decision.
    const matches = [handle('1', 'x', 'ana_x'), handle('2', 'x', 'ana_x')];
    const open = decide({ emailMatches: [email('1', 'ana@example.com')], handleMatches: matches });
    expect(open.conflicts.map((c) => c.kind)).toEqual(['handle_claimed_by_records']);
    const settled = decide({ kept: [{ objectType: 'contact', crmId: '2' }], emailMatches: [email('1', 'ana@example.com')], handleMatches: matches });
    expect(settled.conflicts).toEqual([]);
    expect(settled.links).toEqual([{ objectType: 'contact', crmId: '1', personId: 1, method: 'email' }]);
    // Linked by email to someone else is no settlement: that is a disagreement of its own.
    const other = decide({ kept: [{ objectType: 'contact', crmId: '2' }], emailMatches: [email('1', 'bo@example.com', bo)], handleMatches: matches });
    expect(other.conflicts.map((c) => c.kind)).toEqual(['handle_claimed_by_records']);
  });

  it('a record whose email is one person and handle another links to nobody', () => {
    const { links, conflicts } = decide({
      emailMatches: [email('1', 'ana@example.com')],
      handleMatches: [handle('1', 'x', 'bo_x', bo)],
    });
    expect(links).toEqual([]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'email_handle_disagree', records: [{ crmId: '1' }], people: ['ana', 'bo'] });
    expect(conflicts[0]!.evidence).toEqual([
      { objectType: 'contact', crmId: '1', kind: 'email', value: 'ana@example.com', person: 'ana' },
      { objectType: 'contact', crmId: '1', kind: 'handle', network: 'x', value: 'bo_x', person: 'bo' },
    ]);
    expect(conflicts[0]!.message).toBe('contact 1: email "ana@example.com" is person "ana" but x handle "bo_x" is person "bo": not linked');
  });

  it('a record whose handles name different people (and no email match) links to nobody', () => {
    const { links, conflicts } = decide({ handleMatches: [handle('1', 'x', 'ana_x'), handle('1', 'linkedin', 'bo-li', bo)] });
    expect(links).toEqual([]);
    expect(conflicts).toMatchObject([{ kind: 'handles_disagree', records: [{ crmId: '1' }], people: ['ana', 'bo'] }]);
  });

  it('one handle held by two people is evidence for nobody', () => {
    const { links, conflicts } = decide({ handleMatches: [handle('1', 'x', 'dana'), handle('1', 'x', 'dana', bo)] });
    expect(links).toEqual([]);
    expect(conflicts).toMatchObject([{ kind: 'handle_held_by_people', records: [{ crmId: '1' }], people: ['ana', 'bo'] }]);
    expect(conflicts[0]!.message).toContain('belongs to person "ana" and person "bo"');
  });

  it('one email held by two people is evidence for nobody, and the record may still link by a handle', () => {
    const { links, conflicts } = decide({
      emailMatches: [email('1', 'shared@example.com'), email('1', 'shared@example.com', bo)],
      handleMatches: [handle('1', 'x', 'cy_x', cy)],
    });
    expect(links).toEqual([{ objectType: 'contact', crmId: '1', personId: 3, method: 'handle' }]);
    expect(conflicts).toMatchObject([{ kind: 'email_held_by_people', people: ['ana', 'bo'] }]);
  });

  it('reports conflicts in record order, each once', () => {
    const { conflicts } = decide({
      emailMatches: [email('7', 'ana@example.com')],
      handleMatches: [handle('7', 'x', 'bo_x', bo), handle('3', 'x', 'cy_x', cy), handle('4', 'x', 'cy_x', cy)],
    });
    expect(conflicts.map((c) => [c.kind, c.records[0]!.crmId])).toEqual([
      ['handle_claimed_by_records', '3'],
      ['email_handle_disagree', '7'],
    ]);
  });
});
