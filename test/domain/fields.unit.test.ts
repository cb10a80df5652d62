import { describe, expect, it } from 'vitest';
import { CANONICAL_STAGES } from '../../src/domain/stages.ts';
import { FIELD_CATALOGUE, FIELD_KEYS, fieldsFor, getField, joinTopics } from '../../src/domain/fields.ts';
import {
  HUBSPOT_PROPERTY_GROUP,
  HUBSPOT_PROPERTY_TYPES,
  hubspotFieldsFor,
  hubspotObjectsOf,
  hubspotPropertyName,
  toHubSpotPropertyCreate,
  toHubSpotValue,
} from '../../connectors/hubspot/properties.ts';
import { salesforceFieldName, salesforceFieldsFor, salesforceObjectsOf } from '../../connectors/salesforce/fields.ts';

const VALID_HUBSPOT_PAIRS = new Set([
  'number/number',
  'string/text',
  'string/textarea',
  'enumeration/select',
  'datetime/date',
  'bool/booleancheckbox',
]);

function unique<T>(values: T[]): boolean {
  return new Set(values).size === values.length;
}

describe('FIELD_CATALOGUE invariants', () => {
  it('has exactly one entry per key, in FIELD_KEYS order', () => {
    expect(FIELD_CATALOGUE.map((f) => f.key)).toEqual([...FIELD_KEYS]);
  });

  it('has unique labels, HubSpot names and Salesforce names', () => {
    expect(unique(FIELD_CATALOGUE.map((f) => f.label))).toBe(true);
    expect(unique(FIELD_CATALOGUE.map((f) => hubspotPropertyName(f)))).toBe(true);
    expect(unique(FIELD_CATALOGUE.map((f) => salesforceFieldName(f).toLowerCase()))).toBe(true);
  });

  it.each(FIELD_CATALOGUE.map((f) => [f.key, f] as const))('%s has valid CRM names and limits', (_key, f) => {
    // HubSpot internal names: lower-case letters, digits, underscores; ours all start with sway_.
    expect(hubspotPropertyName(f)).toMatch(/^sway_[a-z0-9_]+$/);
    // Salesforce API names: letter first, no double or trailing underscore before __c, ≤ 40 chars.
    expect(salesforceFieldName(f)).toMatch(/^Sway_[A-Za-z0-9]+(_[A-Za-z0-9]+)*__c$/);
    expect(salesforceFieldName(f).length).toBeLessThanOrEqual(40);
    expect(f.label.length).toBeLessThanOrEqual(40);
    expect(f.description.length).toBeGreaterThan(0);
    expect(f.description.length).toBeLessThanOrEqual(510); // Salesforce inline help text limit
    // Person fields go everywhere; campaign fields on contacts only; the deal field on HubSpot deals
    // (Salesforce opportunities wait for that connector's writes).
    const expected = f.objects.includes('lead') ? ['Contact', 'Lead'] : f.objects.includes('contact') ? ['Contact'] : [];
    expect([...salesforceObjectsOf(f)].sort()).toEqual(expected);
    expect(hubspotObjectsOf(f)).toEqual(f.objects.includes('deal') ? ['deals'] : ['contacts']);
  });

  it('gives numbers a precision/scale Salesforce accepts, and only numbers', () => {
    for (const f of FIELD_CATALOGUE) {
      if (f.type !== 'number') {
        expect(f.number).toBeUndefined();
        continue;
      }
      expect(f.number).toBeDefined();
      const { precision, scale } = f.number!;
      expect(precision).toBeGreaterThanOrEqual(1);
      expect(precision).toBeLessThanOrEqual(18);
      expect(scale).toBeGreaterThanOrEqual(0);
      expect(scale).toBeLessThanOrEqual(precision);
    }
  });

  it('gives picklists the canonical stages as options, and only picklists have options', () => {
    for (const f of FIELD_CATALOGUE) {
      if (f.key === 'campaignArm') expect(f.options?.map((o) => o.value)).toEqual(['treatment', 'control']);
      else if (f.type === 'picklist') expect(f.options?.map((o) => o.value)).toEqual([...CANONICAL_STAGES]);
      else expect(f.options).toBeUndefined();
    }
  });

  it('declares the core fields with the types DESIGN.md asks for', () => {
    expect(getField('influenceScore').type).toBe('number');
    expect(getField('brandSentiment').number).toEqual({ precision: 3, scale: 2 });
    expect(getField('conversations30d').number?.scale).toBe(0);
    expect(getField('matchReason').type).toBe('longtext');
    expect(getField('advocate').type).toBe('checkbox');
    expect(getField('lastConversationAt').type).toBe('datetime');
    expect(salesforceFieldName(getField('influenceScore'))).toBe('Sway_Influence_Score__c');
    expect(hubspotPropertyName(getField('influenceScore'))).toBe('sway_influence_score');
  });

  it('puts every person field on contacts, Contact and Lead; campaign fields on contacts; the deal field on deals', () => {
    const CAMPAIGN = ['campaign', 'campaignArm', 'campaignConverted'];
    const person = FIELD_CATALOGUE.filter((f) => !CAMPAIGN.includes(f.key) && f.key !== 'influencingCampaign');
    expect(hubspotFieldsFor('contacts')).toHaveLength(person.length + CAMPAIGN.length);
    expect(salesforceFieldsFor('Contact')).toHaveLength(person.length + CAMPAIGN.length);
    expect(salesforceFieldsFor('Lead')).toEqual(person);
    expect(fieldsFor('contact')).toHaveLength(person.length + CAMPAIGN.length);
    expect(fieldsFor('lead')).toEqual(person);
    expect(fieldsFor('deal').map((f) => f.key)).toEqual(['influencingCampaign']);
    expect(hubspotFieldsFor('deals').map((f) => f.key)).toEqual(['influencingCampaign']);
  });
});

describe('toHubSpotPropertyCreate', () => {
  it('uses only valid HubSpot type/fieldType pairs', () => {
    for (const pair of Object.values(HUBSPOT_PROPERTY_TYPES)) {
      expect(VALID_HUBSPOT_PAIRS).toContain(`${pair.type}/${pair.fieldType}`);
    }
    for (const f of FIELD_CATALOGUE) {
      const p = toHubSpotPropertyCreate(f);
      expect(VALID_HUBSPOT_PAIRS).toContain(`${p.type}/${p.fieldType}`);
      expect(p.groupName).toBe(HUBSPOT_PROPERTY_GROUP.name);
      expect(p.name).toBe(hubspotPropertyName(f));
    }
  });

  it('gives bool properties exactly the options true and false', () => {
    const p = toHubSpotPropertyCreate(getField('advocate'));
    expect(p).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox' });
    expect(p.options?.map((o) => o.value)).toEqual(['true', 'false']);
    expect(p.options?.every((o) => o.hidden === false)).toBe(true);
  });

  it('renders enumeration options in order with displayOrder', () => {
    const p = toHubSpotPropertyCreate(getField('stage'));
    expect(p).toMatchObject({ type: 'enumeration', fieldType: 'select' });
    expect(p.options?.[0]).toEqual({ label: 'Awareness', value: 'awareness', displayOrder: 0, hidden: false });
    expect(p.options).toHaveLength(CANONICAL_STAGES.length);
  });

  it('maps datetime, text and longtext', () => {
    expect(toHubSpotPropertyCreate(getField('matchedAt'))).toMatchObject({ type: 'datetime', fieldType: 'date' });
    expect(toHubSpotPropertyCreate(getField('topTopics'))).toMatchObject({ type: 'string', fieldType: 'text' });
    expect(toHubSpotPropertyCreate(getField('matchReason'))).toMatchObject({ type: 'string', fieldType: 'textarea' });
    expect(toHubSpotPropertyCreate(getField('influenceScore'))).not.toHaveProperty('options');
  });
});

describe('toHubSpotValue', () => {
  const score = getField('influenceScore');
  const sentiment = getField('brandSentiment');
  const matchScore = getField('matchScore');

  it('clears on null and undefined', () => {
    for (const f of FIELD_CATALOGUE) {
      expect(toHubSpotValue(f, null)).toBe('');
      expect(toHubSpotValue(f, undefined)).toBe('');
    }
  });

  it('renders numbers as plain decimals rounded to the field scale', () => {
    expect(toHubSpotValue(score, 42)).toBe('42');
    expect(toHubSpotValue(score, 42.5)).toBe('43');
    expect(toHubSpotValue(score, 0)).toBe('0');
    expect(toHubSpotValue(sentiment, 0.456)).toBe('0.46');
    expect(toHubSpotValue(sentiment, -0.5)).toBe('-0.5');
    expect(toHubSpotValue(sentiment, 1.005)).toBe('1.01'); // not 1 (binary 1.00499…)
    expect(toHubSpotValue(sentiment, -0.004)).toBe('0'); // never "-0"
    expect(toHubSpotValue(sentiment, 1e-7)).toBe('0'); // never exponent notation
    expect(toHubSpotValue(matchScore, 87.25)).toBe('87.3');
    expect(toHubSpotValue(getField('conversations30d'), 123456789)).toBe('123456789');
  });

  it('rejects non-finite numbers and wrong types', () => {
    expect(() => toHubSpotValue(score, Number.NaN)).toThrow(RangeError);
    expect(() => toHubSpotValue(score, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => toHubSpotValue(score, '42')).toThrow(TypeError);
    expect(() => toHubSpotValue(getField('advocate'), 'yes')).toThrow(TypeError);
    expect(() => toHubSpotValue(getField('topTopics'), 3)).toThrow(TypeError);
  });

  it('renders datetimes as UTC epoch milliseconds', () => {
    const f = getField('lastConversationAt');
    expect(toHubSpotValue(f, new Date('2015-04-02T18:02:46Z'))).toBe('1427997766000');
    expect(toHubSpotValue(f, '2015-04-02T20:02:46+02:00')).toBe('1427997766000');
    expect(toHubSpotValue(f, 1427997766000)).toBe('1427997766000');
    expect(() => toHubSpotValue(f, new Date('nope'))).toThrow(RangeError);
    expect(() => toHubSpotValue(f, 'yesterday')).toThrow(RangeError);
    expect(() => toHubSpotValue(f, true)).toThrow(TypeError);
  });

  it('renders checkboxes as true/false', () => {
    expect(toHubSpotValue(getField('advocate'), true)).toBe('true');
    expect(toHubSpotValue(getField('advocate'), false)).toBe('false');
  });

  it('accepts only declared picklist values', () => {
    expect(toHubSpotValue(getField('stage'), 'decision')).toBe('decision');
    expect(() => toHubSpotValue(getField('stage'), 'Decision')).toThrow(RangeError);
  });

  it('passes text through', () => {
    expect(toHubSpotValue(getField('bestInfluencer'), 'Dana (@dana)')).toBe('Dana (@dana)');
    expect(toHubSpotValue(getField('matchReason'), '')).toBe('');
  });
});

describe('joinTopics', () => {
  it('joins with ";" and keeps a topic from splitting into two', () => {
    expect(joinTopics(['crm', ' marketing automation ', 'a;b', ''])).toBe('crm;marketing automation;a,b');
  });
});
