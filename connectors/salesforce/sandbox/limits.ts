// The org's daily API allowance: every authenticated REST call under /services/data (Bulk job
// calls too) counts; the count is shown on every response as `Sforce-Limit-Info:
// api-usage=used/max` and by GET /limits; once used reaches max, calls get 403
// REQUEST_LIMIT_EXCEEDED (not counted) until the day rolls over.
//
// Decision: Salesforce measures a rolling 24 h; the sandbox resets at UTC midnight of its clock,
// which keeps "tomorrow it works again" testable by moving the clock. /limits is counted like
// any call (unverified whether Salesforce counts it); a call refused by the limit is not.
import { Router, type Request, type Response } from 'express';
import type { SandboxState } from './state.ts';

const DAY_MS = 86_400_000;

export class DailyUsage {
  used = 0;
  private day: number;

  constructor(
    public max: number,
    private readonly now: () => number,
  ) {
    this.day = Math.floor(now() / DAY_MS);
  }

  private roll(): void {
    const today = Math.floor(this.now() / DAY_MS);
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
  }

  /** Counts one call; false (and not counted) when the allowance is used up. */
  take(): boolean {
    this.roll();
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }

  header(): string {
    this.roll();
    return `api-usage=${this.used}/${this.max}`;
  }

  get remaining(): number {
    this.roll();
    return Math.max(0, this.max - this.used);
  }

  set(used: number, max = this.max): void {
    if (!Number.isInteger(used) || used < 0 || !Number.isInteger(max) || max < 1) throw new Error(`invalid API usage ${used}/${max}`);
    this.roll();
    this.used = used;
    this.max = max;
  }
}

export function limitsRouter(state: SandboxState): Router {
  const router = Router();
  router.get('/limits', (_req: Request, res: Response) => {
    const { usage } = state;
    const pair = (Max: number, Remaining: number) => ({ Max, Remaining });
    res.json({
      DailyApiRequests: pair(usage.max, usage.remaining),
      DailyBulkApiBatches: pair(15_000, 15_000),
      DailyBulkV2QueryJobs: pair(10_000, 10_000),
      DailyBulkV2QueryFileStorageMB: pair(976_562, 976_562),
      DailyAsyncApexExecutions: pair(250_000, 250_000),
      DataStorageMB: pair(1024, 1024 - Math.ceil(state.records.size * 2 / 1024)),
    });
  });
  return router;
}
