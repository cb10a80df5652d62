// Fault injection for authenticated /crm/* calls: extra latency, 429s that are byte-for-byte
// the burst-limit 429, and 502/503 gateway errors. The decision is taken before the request
// reaches its handler (and before it is counted against the budget), so an injected fault
// never leaves a partial write behind. A seeded PRNG makes a run repeatable: the same seed and
// the same sequence of requests give the same faults.
import type { NextFunction, Request, Response } from 'express';
import { burstLimitError } from './crm-auth.ts';
import { SandboxHttpError, correlationId } from './errors.ts';
import type { RecorderLocals } from './recorder.ts';
import type { SandboxState } from './state.ts';
import type { FaultConfig } from './types.ts';
import { mulberry32 } from '../../../src/domain/prng.ts';

export type FaultDecision = 'none' | 429 | 502 | 503;


export class FaultInjector {
  private rate429 = 0;
  private rate5xx = 0;
  latencyMs = 0;
  /** Share of the burst limit used by other traffic (see FaultConfig.contention). */
  contention = 0;
  private random = mulberry32(1);

  set(config: FaultConfig): void {
    const rate429 = config.rate429 ?? 0;
    const rate5xx = config.rate5xx ?? 0;
    const latencyMs = config.latencyMs ?? 0;
    for (const [name, rate] of [['rate429', rate429], ['rate5xx', rate5xx]] as const) {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`setFaults: ${name} must be within 0..1, got ${rate}`);
    }
    if (rate429 + rate5xx > 1) throw new Error('setFaults: rate429 + rate5xx must not exceed 1');
    if (!(latencyMs >= 0)) throw new Error(`setFaults: latencyMs must be ≥ 0, got ${latencyMs}`);
    const contention = config.contention ?? 0;
    if (!(contention >= 0 && contention < 1)) throw new Error(`setFaults: contention must be within 0..1 (exclusive), got ${contention}`);
    Object.assign(this, { rate429, rate5xx, latencyMs, contention });
    this.random = mulberry32(config.seed ?? 1);
  }

  /** One draw per request while any rate is set; 502 and 503 share the 5xx band evenly. */
  decide(): FaultDecision {
    if (this.rate429 === 0 && this.rate5xx === 0) return 'none';
    const r = this.random();
    if (r < this.rate429) return 429;
    if (r < this.rate429 + this.rate5xx) return (r - this.rate429) / this.rate5xx < 0.5 ? 502 : 503;
    return 'none';
  }
}

// What HubSpot's edge answers when the backend is unreachable: an nginx-style HTML page for 502
// (as captured in client bug reports) and a JSON error for 503 (body shape unverified).
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

function gatewayError(status: 502 | 503): SandboxHttpError {
  if (status === 502) return new SandboxHttpError(502, BAD_GATEWAY_HTML, {}, 'html');
  return new SandboxHttpError(503, {
    status: 'error',
    message: 'The service is temporarily unavailable. Please try again later.',
    correlationId: correlationId(),
    category: 'SERVICE_UNAVAILABLE',
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function injectFaults(state: SandboxState) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { faults } = state;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const decision = faults.decide();
    if (decision === 'none') return next();
    (res.locals as RecorderLocals).injected = true;
    throw decision === 429 ? burstLimitError(state, { ...state.limiter.settings, retryAfterMs: state.limiter.settings.intervalMs }) : gatewayError(decision);
  };
}
