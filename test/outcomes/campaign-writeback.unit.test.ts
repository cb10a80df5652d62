import { describe, expect, it } from 'vitest';
import { toHubSpotProperties } from '../../connectors/hubspot/mappers.ts';
import { hubspotFieldsFor, toHubSpotPropertyCreate } from '../../connectors/hubspot/properties.ts';
import { salesforceFieldsFor } from '../../connectors/salesforce/fields.ts';
import { campaignLabel, campaignWriteback, NO_CAMPAIGN, type WritebackCampaign } from '../../src/outcomes/campaign-writeback.ts';

const campaign = (over: Partial<WritebackCampaign>): WritebackCampaign => ({
  id: 'c1',
  name: 'Spring',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  members: [],
  converted: new Set(),
  wonDeals: [],
  ...over,
});

describe('campaignWriteback', () => {
  it('gives every member its campaign, arm and converted flag', () => {
    const wb = campaignWriteback([
      campaign({ members: [{ contactId: 'a', arm: 'treatment' }, { contactId: 'b', arm: 'control' }], converted: new Set(['b']) }),
    ]);
    expect(wb.contacts.get('a')).toEqual({ campaign: 'Spring (c1)', campaignArm: 'treatment', campaignConverted: false });
    expect(wb.contacts.get('b')).toEqual({ campaign: 'Spring (c1)', campaignArm: 'control', campaignConverted: true });
  });

  it('attributes a won deal to the campaign only through a treated member', () => {
    const wb = campaignWriteback([
      campaign({
        members: [{ contactId: 'a', arm: 'treatment' }, { contactId: 'b', arm: 'control' }],
        wonDeals: [{ contactId: 'a', dealId: 'd1' }, { contactId: 'b', dealId: 'd2' }],
      }),
    ]);
    expect([...wb.deals]).toEqual([['d1', { influencingCampaign: 'Spring (c1)' }]]);
  });

  it('shows the latest started campaign for a contact or deal in several, whatever the input order', () => {
    const late = campaign({ id: 'c2', name: 'Summer', startedAt: new Date('2026-03-01T00:00:00Z'), members: [{ contactId: 'a', arm: 'control' }] });
    const early = campaign({ members: [{ contactId: 'a', arm: 'treatment' }], wonDeals: [{ contactId: 'a', dealId: 'd1' }] });
    for (const input of [[late, early], [early, late]]) {
      const wb = campaignWriteback(input);
      expect(wb.contacts.get('a')).toMatchObject({ campaign: 'Summer (c2)', campaignArm: 'control' });
      // The later campaign's arm is control, so the deal stays attributed to the earlier treated one.
      expect(wb.deals.get('d1')).toEqual({ influencingCampaign: 'Spring (c1)' });
    }
  });

  it('names a campaign by name and id so two of one name stay apart', () => {
    expect(campaignLabel({ id: 'x', name: 'Q1' })).not.toBe(campaignLabel({ id: 'y', name: 'Q1' }));
  });
});

describe('HubSpot mapping of the campaign fields', () => {
  it('maps contact values to sway_campaign* strings, and null clears', () => {
    expect(toHubSpotProperties('contact', { campaign: 'Spring (c1)', campaignArm: 'treatment', campaignConverted: true })).toEqual({
      sway_campaign: 'Spring (c1)',
      sway_campaign_arm: 'treatment',
      sway_campaign_converted: 'true',
    });
    expect(toHubSpotProperties('contact', NO_CAMPAIGN)).toEqual({ sway_campaign: '', sway_campaign_arm: '', sway_campaign_converted: '' });
  });

  it('refuses an arm that is not an option', () => {
    expect(() => toHubSpotProperties('contact', { campaignArm: 'maybe' })).toThrow(RangeError);
  });

  it('gives deals only the influencing campaign, and contacts never get it', () => {
    expect(toHubSpotProperties('deal', { influencingCampaign: 'Spring (c1)', campaign: 'x', influenceScore: 5 })).toEqual({ sway_influencing_campaign: 'Spring (c1)' });
    expect(toHubSpotProperties('contact', { influencingCampaign: 'Spring (c1)' })).toEqual({});
    expect(hubspotFieldsFor('deals').map((f) => toHubSpotPropertyCreate(f).name)).toEqual(['sway_influencing_campaign']);
    expect(toHubSpotPropertyCreate(hubspotFieldsFor('deals')[0]!)).toMatchObject({ type: 'string', fieldType: 'text', groupName: 'sway' });
    expect(hubspotFieldsFor('deals')[0]!.description).toMatch(/attribution .* not lift/);
  });

  it('keeps Salesforce leads free of the contact-only campaign fields and of the deal field', () => {
    const lead = salesforceFieldsFor('Lead').map((f) => f.key);
    expect(lead).not.toContain('campaign');
    expect(lead).not.toContain('influencingCampaign');
    expect(salesforceFieldsFor('Contact').map((f) => f.key)).not.toContain('influencingCampaign');
  });
});
