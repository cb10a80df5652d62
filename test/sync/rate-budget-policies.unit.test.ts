import { describe, expect, it } from 'vitest';
import type { ConnectorLimits } from '../../connectors/connector.ts';
import { HUBSPOT_LIMITS } from '../../connectors/hubspot/limits.ts';
import { budgetPolicies } from '../../src/sync/rate-budget.ts';

describe('budgetPolicies: the budget from limits the connector declares, with overrides', () => {
  it("HubSpot's declared limits at the configured share", () => {
    expect(budgetPolicies(HUBSPOT_LIMITS, { share: 0.9, burst: {} })).toEqual({
      standard: { limit: 100, intervalMs: 10_000, share: 0.9 },
      search: { limit: 5, intervalMs: 1000, share: 0.9 },
    });
  });

  it('an override replaces only the fields it sets', () => {
    const p = budgetPolicies(HUBSPOT_LIMITS, { share: 0.5, burst: { standard: { requests: 110 }, search: { requests: 4, intervalMs: undefined } } });
    expect(p).toEqual({ standard: { limit: 110, intervalMs: 10_000, share: 0.5 }, search: { limit: 4, intervalMs: 1000, share: 0.5 } });
  });

  it('a CRM without a separate search limit has no search policy (search draws on standard)', () => {
    const limits: ConnectorLimits = { burst: { standard: { requests: 25, intervalMs: 20_000 } }, requestTimeoutMs: 30_000 };
    expect(budgetPolicies(limits, { share: 0.8, burst: { search: { requests: 3 } } })).toEqual({ standard: { limit: 25, intervalMs: 20_000, share: 0.8 } });
  });

  it('a declared daily allowance joins the budget, overridable; none without a declaration', () => {
    const limits: ConnectorLimits = { burst: { standard: { requests: 25, intervalMs: 20_000 } }, daily: { requests: 100_000 }, requestTimeoutMs: 30_000 };
    expect(budgetPolicies(limits, { share: 0.5, burst: {} }).daily).toEqual({ limit: 100_000, share: 0.5 });
    expect(budgetPolicies(limits, { share: 0.5, burst: {}, daily: { requests: 20_000 } }).daily).toEqual({ limit: 20_000, share: 0.5 });
    expect(budgetPolicies(HUBSPOT_LIMITS, { share: 0.5, burst: {}, daily: { requests: 20_000 } }).daily).toBeUndefined();
  });
});
