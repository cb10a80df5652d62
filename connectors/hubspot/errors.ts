/**
 * Classifies HubSpot failures (SDK ApiException, raw responses, network errors) into
 * SwayError codes. The vendor's message is kept only when it cannot carry a secret; the raw
 * body is never copied into the error (it could echo a token back).
 */
import { SwayError, type SwayErrorCode } from '../../src/domain/errors.ts';

interface HubSpotErrorLike {
  code?: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

function header(headers: HubSpotErrorLike['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

function field(body: unknown, name: string): string | undefined {
  if (body && typeof body === 'object' && name in body) {
    const v = (body as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** From an HTTP status, HubSpot's body and headers. `status` is the OAuth error code (BAD_REFRESH_TOKEN…). */
export function classifyHubSpotResponse(
  status: number,
  body: unknown,
  headers?: Record<string, string | undefined>,
  what = 'HubSpot request',
): SwayError {
  const category = field(body, 'category') ?? field(body, 'status');
  const correlationId = field(body, 'correlationId');
  const retryAfter = Number(header(headers, 'retry-after'));
  const details = {
    status,
    vendorCategory: category,
    correlationId,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  };
  const msg = (code: SwayErrorCode, text: string) =>
    new SwayError(code, `${what} failed: ${text} (HTTP ${status}${category ? ` ${category}` : ''})`, details);

  if (status === 429) {
    const policy = field(body, 'policyName');
    if (policy === 'DAILY') return msg('RATE_LIMITED', 'daily request limit reached; retry tomorrow');
    return msg('RATE_LIMITED', `rate limited${policy ? ` by ${policy}` : ''}`);
  }
  if (category === 'BAD_REFRESH_TOKEN') return msg('DISCONNECTED', 'HubSpot revoked this installation (reinstall the app)');
  if (status === 401) return msg('AUTH_EXPIRED', 'access token rejected');
  if (status === 403) return msg('FORBIDDEN', 'missing scopes or permissions');
  if (status === 404) return msg('NOT_FOUND', 'not found');
  if (status === 409) return msg('CONFLICT', 'already exists');
  if (status === 423) return new SwayError('TRANSIENT', `${what} failed: record locked (HTTP 423)`, { ...details, retryAfterMs: 2_000 });
  if (status >= 500) return msg('TRANSIENT', 'HubSpot server error');
  return msg('INVALID', field(body, 'message')?.slice(0, 300) ?? 'rejected');
}

/** Anything thrown by the SDK or fetch. */
export function classifyHubSpotError(err: unknown, what?: string): SwayError {
  if (err instanceof SwayError) return err;
  const e = err as HubSpotErrorLike & { message?: string; code?: unknown; type?: string };
  if (typeof e?.code === 'number' && e.code >= 100) return classifyHubSpotResponse(e.code, e.body, e.headers, what);
  // Network failures: node:http errors carry the code (ECONNREFUSED, ECONNRESET, ETIMEDOUT);
  // the global fetch (apiRequest, SDK 14) rejects with "fetch failed" and the code in `cause`.
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause;
  return new SwayError('TRANSIENT', `${what ?? 'HubSpot request'} failed: network error (${String(e?.code ?? cause?.code ?? e?.type ?? 'unknown')})`);
}
