import { describe, expect, it } from 'vitest';
import {
  CANONICAL_STAGES,
  HUBSPOT_LIFECYCLE_STAGE_DEFAULTS,
  isCanonicalStage,
  mapHubSpotLifecycleStage,
  type CanonicalStage,
} from '../../src/domain/stages.ts';

describe('mapHubSpotLifecycleStage', () => {
  it.each([
    ['subscriber', 'awareness'],
    ['lead', 'awareness'],
    ['marketingqualifiedlead', 'consideration'],
    ['salesqualifiedlead', 'decision'],
    ['opportunity', 'decision'],
    ['customer', 'purchase'],
    ['evangelist', 'advocacy'],
    ['other', 'unknown'],
  ] as const)('maps the default %s to %s', (value, stage) => {
    expect(mapHubSpotLifecycleStage(value)).toBe(stage);
  });

  it('covers every built-in HubSpot stage and only canonical stages', () => {
    expect(Object.keys(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS)).toHaveLength(8);
    for (const stage of Object.values(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS)) expect(CANONICAL_STAGES).toContain(stage);
  });

  it('maps empty, missing and unmapped values to unknown', () => {
    expect(mapHubSpotLifecycleStage('')).toBe('unknown');
    expect(mapHubSpotLifecycleStage('   ')).toBe('unknown');
    expect(mapHubSpotLifecycleStage(null)).toBe('unknown');
    expect(mapHubSpotLifecycleStage(undefined)).toBe('unknown');
    expect(mapHubSpotLifecycleStage('123456789')).toBe('unknown');
  });

  it('does not find Object.prototype members', () => {
    expect(mapHubSpotLifecycleStage('constructor')).toBe('unknown');
    expect(mapHubSpotLifecycleStage('__proto__')).toBe('unknown');
    expect(mapHubSpotLifecycleStage('toString')).toBe('unknown');
  });

  it('tolerates case and surrounding whitespace', () => {
    expect(mapHubSpotLifecycleStage(' Customer ')).toBe('purchase');
  });

  it('lets overrides map custom stages and replace defaults', () => {
    const overrides: Record<string, CanonicalStage> = { '987654': 'consideration', lead: 'consideration' };
    expect(mapHubSpotLifecycleStage('987654', overrides)).toBe('consideration');
    expect(mapHubSpotLifecycleStage('lead', overrides)).toBe('consideration');
    expect(mapHubSpotLifecycleStage('customer', overrides)).toBe('purchase');
  });

  it('matches override keys case-insensitively', () => {
    expect(mapHubSpotLifecycleStage('customer', { Customer: 'advocacy' })).toBe('advocacy');
  });

  it('ignores override entries whose stage is not canonical', () => {
    const bad = { lead: 'hot' } as unknown as Record<string, CanonicalStage>;
    expect(mapHubSpotLifecycleStage('lead', bad)).toBe('awareness');
  });
});

describe('isCanonicalStage', () => {
  it('accepts exactly the canonical stages', () => {
    for (const s of CANONICAL_STAGES) expect(isCanonicalStage(s)).toBe(true);
    expect(isCanonicalStage('Awareness')).toBe(false);
    expect(isCanonicalStage(3)).toBe(false);
  });
});
