import { describe, expect, it } from 'vitest';
import { buildStageMap, type CanonicalStage, type StageOption } from '../../src/domain/stages.ts';
import { HUBSPOT_LIFECYCLE_STAGE_DEFAULTS, mapLifecycleStage as mapHubSpotLifecycleStage } from '../../connectors/hubspot/stages.ts';

/** A HubSpot portal's map: the neutral builder with HubSpot's defaults. */
const buildLifecycleStageMap = (options: StageOption[], overrides?: Record<string, CanonicalStage>) =>
  buildStageMap(options, HUBSPOT_LIFECYCLE_STAGE_DEFAULTS, overrides);

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

describe('buildStageMap with another CRM\'s defaults', () => {
  it('keeps only the given defaults: HubSpot values mean nothing to another CRM', () => {
    const map = buildStageMap(
      [{ value: 'Open', label: 'Open', displayOrder: 0 }, { value: 'customer', label: 'Stage 7', displayOrder: 1 }],
      { open: 'consideration' },
    );
    expect(map).toEqual({ open: 'consideration', customer: 'consideration' });
  });
});
