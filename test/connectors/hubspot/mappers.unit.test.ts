import { describe, expect, it } from 'vitest';
import { CONTACT_READ_PROPERTIES, contactReadProperties, fromHubSpotContact, toHubSpotProperties } from '../../../connectors/hubspot/mappers.ts';

describe('HubSpot mappers', () => {
  it('maps catalogue values to HubSpot property strings and leaves unset keys out', () => {
    const props = toHubSpotProperties('contact', { influenceScore: 72.4, advocate: true, brandSentiment: null, stage: 'decision' });
    expect(props).toEqual({ sway_influence_score: '72', sway_advocate: 'true', sway_brand_sentiment: '', sway_stage: 'decision' });
  });

  it('maps per object: contact fields stay off deals, and an object HubSpot does not write is an UNSUPPORTED error', () => {
    expect(toHubSpotProperties('deal', { influenceScore: 72.4, stage: 'decision' })).toEqual({});
    for (const object of ['lead', 'company', 'campaign', 'campaignMember'] as const) {
      expect(() => toHubSpotProperties(object, { influenceScore: 1 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: `the hubspot connector does not write ${object} records` }));
    }
  });

  it('reads lastmodifieddate as a Date', () => {
    expect(fromHubSpotContact({ id: '9', properties: { lastmodifieddate: '2026-11-01T10:00:00.000Z' } }).modifiedAt).toEqual(new Date('2026-11-01T10:00:00.000Z'));
  });

  it('reads a contact, treating blank emails and stages as absent', () => {
    expect(fromHubSpotContact({ id: '7', properties: { email: ' A@b.co ', lifecyclestage: 'lead' } })).toEqual({ id: '7', email: 'A@b.co', lifecycleStage: 'lead', modifiedAt: null });
    expect(fromHubSpotContact({ id: '8', properties: { email: '', lifecyclestage: null } })).toEqual({ id: '8', email: null, lifecycleStage: null, modifiedAt: null });
  });
});

describe('HubSpot deal mappers', async () => {
  const { fromHubSpotDeal, isWonStage } = await import('../../../connectors/hubspot/mappers.ts');
  it('reads a deal with amount, close date (ISO or epoch ms) and contacts', () => {
    const d = fromHubSpotDeal({ id: '5', properties: { pipeline: 'default', dealstage: 'closedwon', amount: '1200.5', closedate: '1767225600000', hs_lastmodifieddate: '2026-11-01T00:00:00Z' } }, ['7']);
    expect(d).toEqual({ id: '5', pipeline: 'default', stage: 'closedwon', amount: 1200.5, closeDate: new Date(1767225600000), modifiedAt: new Date('2026-11-01T00:00:00Z'), contactIds: ['7'] });
    expect(fromHubSpotDeal({ id: '6', properties: { amount: '' } }).amount).toBeNull();
  });
  it('treats closed stages with probability 1 as won', () => {
    expect(isWonStage({ isClosed: 'true', probability: '1.0' })).toBe(true);
    expect(isWonStage({ isClosed: 'true', probability: '0.0' })).toBe(false);
    expect(isWonStage({ isClosed: 'false', probability: '1.0' })).toBe(false);
  });
});

describe('fromHubSpotContact with extra properties', () => {
  const obj = { id: '7', properties: { email: 'a@b.com', lifecyclestage: 'lead', lastmodifieddate: '2026-01-02T03:04:05Z', twitterhandle: '@Ana' } };

  it('carries the extra properties asked for, null when HubSpot sent no value', () => {
    expect(fromHubSpotContact(obj, ['twitterhandle', 'linkedin_profile']).properties).toEqual({ twitterhandle: '@Ana', linkedin_profile: null });
  });

  it('leaves properties out when none were asked for (existing callers)', () => {
    expect(fromHubSpotContact(obj)).not.toHaveProperty('properties');
    expect(fromHubSpotContact(obj, []).properties).toEqual({});
  });

  it('asks HubSpot for its own properties plus the extras, once each', () => {
    expect(contactReadProperties(['twitterhandle', 'email', 'twitterhandle'])).toEqual(['email', 'lifecyclestage', 'lastmodifieddate', 'twitterhandle']);
    expect(contactReadProperties()).toEqual([...CONTACT_READ_PROPERTIES]);
  });
});
