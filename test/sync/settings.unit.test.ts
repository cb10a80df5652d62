import { describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot/index.ts';
import { parseSettings as parseWith, sameHandleFields } from '../../src/sync/settings.ts';

const parseSettings = (raw: unknown) => parseWith(raw, hubspot.settingsDefaults);

describe('settings defaults', () => {
  it("come from the installation's connector", () => {
    expect(parseSettings({}).matching.attributeFields).toEqual({ industry: 'industry', region: 'country', companySize: 'numemployees' });
    const other = { attributeFields: { industry: 'Industry', region: 'BillingCountry', companySize: 'NumberOfEmployees' }, handleFields: { x: 'X_Handle__c' } };
    const s = parseWith({ matching: { attributeFields: { region: 'Region__c' } } }, other);
    expect(s.matching.attributeFields).toEqual({ industry: 'Industry', region: 'Region__c', companySize: 'NumberOfEmployees' });
    expect(s.handleFields).toEqual({ x: 'X_Handle__c' });
    expect(parseWith({ matching: { attributeFields: { industry: '' } } }, other).matching.attributeFields).toEqual(other.attributeFields);
  });
});

describe('settings.handleFields', () => {
  it('defaults to none, and parses network → property', () => {
    expect(parseSettings({}).handleFields).toEqual({});
    expect(parseSettings({ handleFields: { x: 'twitterhandle', linkedin: ' linkedin_profile ' } }).handleFields).toEqual({ x: 'twitterhandle', linkedin: 'linkedin_profile' });
  });

  it('drops a malformed value without breaking the other settings', () => {
    const s = parseSettings({ handleFields: { myspace: 'x' }, stageOverrides: { '123': 'decision' } });
    expect(s.handleFields).toEqual({});
    expect(s.stageOverrides).toEqual({ '123': 'decision' });
  });

  it('compares settings by content, not key order', () => {
    expect(sameHandleFields({ x: 'a', linkedin: 'b' }, { linkedin: 'b', x: 'a' })).toBe(true);
    expect(sameHandleFields({ x: 'a' }, { x: 'b' })).toBe(false);
    expect(sameHandleFields({}, { x: 'a' })).toBe(false);
  });
});
