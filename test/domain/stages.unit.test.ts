import { describe, expect, it } from 'vitest';
import { CANONICAL_STAGES, isCanonicalStage, mapStage, withDefaultStages, type CanonicalStage } from '../../src/domain/stages.ts';
import { HUBSPOT_LIFECYCLE_STAGE_DEFAULTS, mapLifecycleStage } from '../../connectors/hubspot/stages.ts';

describe('mapLifecycleStage (HubSpot lifecycle stages)', () => {
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
    expect(mapLifecycleStage(value)).toBe(stage);
  });

  it('covers every built-in HubSpot stage and only canonical stages', () => {
    expect(Object.keys(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS)).toHaveLength(8);
    for (const stage of Object.values(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS)) expect(CANONICAL_STAGES).toContain(stage);
  });

  it('maps empty, missing and unmapped values to unknown', () => {
    expect(mapLifecycleStage('')).toBe('unknown');
    expect(mapLifecycleStage('   ')).toBe('unknown');
    expect(mapLifecycleStage(null)).toBe('unknown');
    expect(mapLifecycleStage(undefined)).toBe('unknown');
    expect(mapLifecycleStage('123456789')).toBe('unknown');
  });

  it('does not find Object.prototype members', () => {
    expect(mapLifecycleStage('constructor')).toBe('unknown');
    expect(mapLifecycleStage('__proto__')).toBe('unknown');
    expect(mapLifecycleStage('toString')).toBe('unknown');
  });

  it('tolerates case and surrounding whitespace', () => {
    expect(mapLifecycleStage(' Customer ')).toBe('purchase');
  });

  it('lets overrides map custom stages and replace defaults', () => {
    const overrides: Record<string, CanonicalStage> = { '987654': 'consideration', lead: 'consideration' };
    expect(mapLifecycleStage('987654', overrides)).toBe('consideration');
    expect(mapLifecycleStage('lead', overrides)).toBe('consideration');
    expect(mapLifecycleStage('customer', overrides)).toBe('purchase');
  });

  it('matches override keys case-insensitively', () => {
    expect(mapLifecycleStage('customer', { Customer: 'advocacy' })).toBe('advocacy');
  });

  it('ignores override entries whose stage is not canonical', () => {
    const bad = { lead: 'hot' } as unknown as Record<string, CanonicalStage>;
    expect(mapLifecycleStage('lead', bad)).toBe('awareness');
  });
});

describe('mapStage and withDefaultStages (any CRM)', () => {
  const defaults: Record<string, CanonicalStage> = { open: 'awareness', 'closed won': 'purchase' };

  it('maps by the stage map only: no vendor defaults are built in', () => {
    expect(mapStage('customer', {})).toBe('unknown');
    expect(mapStage(' Closed Won ', defaults)).toBe('purchase');
    expect(mapStage('constructor', defaults)).toBe('unknown');
  });

  it("puts the installation's entries before the CRM's defaults", () => {
    const map = withDefaultStages({ OPEN: 'consideration', bad: 'hot' as CanonicalStage }, defaults);
    expect(mapStage('open', map)).toBe('consideration');
    expect(mapStage('closed won', map)).toBe('purchase');
    expect(map).not.toHaveProperty('bad');
  });
});

describe('isCanonicalStage', () => {
  it('accepts exactly the canonical stages', () => {
    for (const s of CANONICAL_STAGES) expect(isCanonicalStage(s)).toBe(true);
    expect(isCanonicalStage('Awareness')).toBe(false);
    expect(isCanonicalStage(3)).toBe(false);
  });
});
