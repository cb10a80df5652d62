import { describe, expect, it } from 'vitest';
import { mergedPushedValues } from '../../../connectors/hubspot/change-rules.ts';

describe('mergedPushedValues (what the survivor of a merge holds in Sway fields)', () => {
  it("keeps the primary's values: they win a HubSpot merge", () => {
    expect(mergedPushedValues({ primary: { score: '40', stage: 'decision' }, others: [{ score: '90', stage: 'awareness' }] })).toEqual({ score: '40', stage: 'decision' });
  });

  it('fills what the primary left empty from the merged-away records', () => {
    expect(mergedPushedValues({ primary: { score: '40', topics: '' }, others: [{ score: '90', topics: 'crm', advocate: 'true' }] })).toEqual({
      score: '40',
      topics: 'crm',
      advocate: 'true',
    });
    // The primary was never written: the secondary's values are what HubSpot shows.
    expect(mergedPushedValues({ others: [{ score: '90' }] })).toEqual({ score: '90' });
  });

  it('leaves out fields the merged-away records disagree on, so the next push re-sends them', () => {
    expect(mergedPushedValues({ primary: { score: '40' }, others: [{ topics: 'crm' }, { topics: 'seo' }, { advocate: '' }] })).toEqual({ score: '40', advocate: '' });
  });

  it('lets values written to the survivor itself after the merge override everything', () => {
    expect(mergedPushedValues({ survivor: { score: '55' }, primary: { score: '40', stage: 'decision' }, others: [] })).toEqual({ score: '55', stage: 'decision' });
  });

  it('knows nothing when nothing was pushed', () => {
    expect(mergedPushedValues({ others: [] })).toEqual({});
  });
});
