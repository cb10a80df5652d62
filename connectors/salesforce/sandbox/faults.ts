// Fault injection for authenticated /services/data calls: latency, 503 SERVER_UNAVAILABLE,
// 403 REQUEST_LIMIT_EXCEEDED and hung connections, decided before the call is counted or does
// anything (no partial writes); and UNABLE_TO_LOCK_ROW on single records of a write, decided by
// the writer (records.ts) so the other records of the same call still succeed. A seeded PRNG
// makes a run repeatable.
import type { NextFunction, Request, Response } from 'express';
import { limitExceeded, restError } from './errors.ts';
import type { RecorderLocals } from './recorder.ts';
import type { SandboxState } from './state.ts';
import type { FaultConfig } from './types.ts';
import { mulberry32 } from '../../../src/domain/prng.ts';

type Decision = 'none' | 503 | 403 | 'hang';

export class FaultInjector {
  private rate503 = 0;
  private rateLimitExceeded = 0;
  private rateHang = 0;
  private rateLockRow = 0;
  private lockedIds = new Set<string>();
  latencyMs = 0;
  private random = mulberry32(1);
  private lockRandom = mulberry32(1);

  set(config: FaultConfig): void {
    const rates = { rate503: config.rate503 ?? 0, rateLimitExceeded: config.rateLimitExceeded ?? 0, rateHang: config.rateHang ?? 0, rateLockRow: config.rateLockRow ?? 0 };
    for (const [name, rate] of Object.entries(rates)) {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`setFaults: ${name} must be within 0..1, got ${rate}`);
    }
    if (rates.rate503 + rates.rateLimitExceeded + rates.rateHang > 1) throw new Error('setFaults: rate503 + rateLimitExceeded + rateHang must not exceed 1');
    const latencyMs = config.latencyMs ?? 0;
    if (!(latencyMs >= 0)) throw new Error(`setFaults: latencyMs must be ≥ 0, got ${latencyMs}`);
    Object.assign(this, rates, { latencyMs });
    this.lockedIds = new Set((config.lockedIds ?? []).map((id) => id.slice(0, 15)));
    this.random = mulberry32(config.seed ?? 1);
    this.lockRandom = mulberry32((config.seed ?? 1) + 1);
  }

  decide(): Decision {
    const total = this.rate503 + this.rateLimitExceeded + this.rateHang;
    if (total === 0) return 'none';
    const r = this.random();
    if (r < this.rate503) return 503;
    if (r < this.rate503 + this.rateLimitExceeded) return 403;
    if (r < total) return 'hang';
    return 'none';
  }

  /** Whether a write of record `id` (undefined for an insert) fails with UNABLE_TO_LOCK_ROW. */
  rowLocked(id: string | undefined): boolean {
    if (id !== undefined && this.lockedIds.has(id.slice(0, 15))) return true;
    return this.rateLockRow > 0 && this.lockRandom() < this.rateLockRow;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function injectFaults(state: SandboxState) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { faults } = state;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const decision = faults.decide();
    if (decision === 'none') return next();
    const locals = res.locals as RecorderLocals;
    locals.injected = true;
    if (decision === 'hang') {
      // Never answered: the socket stays open until the client gives up or the sandbox stops.
      locals.hung = true;
      if (locals.record) Object.assign(locals.record, { hung: true, injected: true });
      return;
    }
    throw decision === 403 ? limitExceeded() : restError(503, 'SERVER_UNAVAILABLE', 'Server is temporarily unavailable. Please try again later.');
  };
}
