import { describe, expect, it } from 'vitest';
import { buildLifecycleStageMap, mapHubSpotLifecycleStage } from '../../src/domain/stages.ts';

const defaults = [
  ['subscriber', 'Subscriber'], ['lead', 'Lead'], ['marketingqualifiedlead', 'Marketing Qualified Lead'], ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'], ['customer', 'Customer'], ['evangelist', 'Evangelist'], ['other', 'Other'],
].map(([value, label], i) => ({ value: value!, label: label!, displayOrder: i }));

describe('buildLifecycleStageMap', () => {
  it('keeps the documented mapping for HubSpot default stages', () => {
    const map = buildLifecycleStageMap(defaults);
    expect(map).toMatchObject({ lead: 'awareness', marketingqualifiedlead: 'consideration', opportunity: 'decision', customer: 'purchase', evangelist: 'advocacy', other: 'unknown' });
  });

  it('maps custom stages by label words, else by the default stage before them', () => {
    const options = [
      ...defaults,
      { value: '1001', label: 'Renewal customer', displayOrder: 5.5 },
      { value: '1002', label: 'Product trial', displayOrder: 4.5 },
      { value: '1003', label: 'Stage X', displayOrder: 4.2 }, // after opportunity: a decision stage
      { value: '1004', label: 'Brand champion', displayOrder: 6.5 },
    ];
    const map = buildLifecycleStageMap(options);
    expect(map['1001']).toBe('purchase');
    expect(map['1002']).toBe('decision');
    expect(map['1003']).toBe('decision');
    expect(map['1004']).toBe('advocacy');
    expect(mapHubSpotLifecycleStage('1003', map)).toBe('decision');
  });

  it('lets admin overrides win', () => {
    const map = buildLifecycleStageMap([...defaults, { value: '2001', label: 'Lead', displayOrder: 9 }], { '2001': 'decision', lead: 'consideration' });
    expect(map['2001']).toBe('decision');
    expect(map.lead).toBe('consideration');
  });
});
