/**
 * Classifies Salesforce failures into SwayError codes (src/domain/errors.ts), pure. Salesforce
 * answers REST errors as `[{message, errorCode, fields}]` and OAuth errors as
 * `{error, error_description}`; jsforce turns the first into an HttpApiError (`errorCode`,
 * `data`, no HTTP status) and the second into an Error whose `name` is the OAuth `error`.
 * Messages are kept only truncated, and never the raw body (it could echo a token back).
 */
import { SwayError, type SwayErrorCode } from '../../src/domain/errors.ts';

/** Salesforce sends no Retry-After for REQUEST_LIMIT_EXCEEDED; its window is a rolling 24 h, so calls free up gradually: look again after this long. */
export const SALESFORCE_LIMIT_WAIT_MS = 30 * 60_000;
/** A row lock is held by another transaction for a moment: retry soon. */
export const SALESFORCE_LOCK_WAIT_MS = 2_000;

/** One entry of Salesforce's REST error array. */
export interface SalesforceApiError {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** Where an OAuth failure happened: `invalid_grant` means a bad code at install, a dead installation at refresh. */
export type OAuthStep = 'exchange' | 'refresh' | 'revoke';

const FIELD_ERRORS = new Set([
  'INVALID_FIELD', 'INVALID_FIELD_FOR_INSERT_UPDATE', 'REQUIRED_FIELD_MISSING', 'FIELD_INTEGRITY_EXCEPTION',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'STRING_TOO_LONG', 'NUMBER_OUTSIDE_VALID_RANGE', 'INVALID_TYPE_ON_FIELD_IN_RECORD',
  'MALFORMED_QUERY', 'MALFORMED_ID', 'INVALID_TYPE', 'JSON_PARSER_ERROR', 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object';
}

/** The first `{message, errorCode}` of a REST error body, if it is one. */
export function firstApiError(body: unknown): SalesforceApiError | undefined {
  const first = Array.isArray(body) ? body[0] : body;
  if (!isObject(first) || typeof first.errorCode !== 'string') return undefined;
  const fields = Array.isArray(first.fields) ? first.fields.filter((f): f is string => typeof f === 'string') : undefined;
  return { errorCode: first.errorCode, message: typeof first.message === 'string' ? first.message : '', ...(fields && { fields }) };
}

const short = (text: string) => text.replace(/\s+/g, ' ').slice(0, 300);

/** From an HTTP status and Salesforce's REST error body. */
export function classifySalesforceResponse(status: number | undefined, body: unknown, what = 'Salesforce request'): SwayError {
  const api = firstApiError(body);
  const code = api?.errorCode;
  const details = { ...(status !== undefined && { status }), ...(code && { vendorCategory: code }) };
  const make = (sway: SwayErrorCode, text: string, retryAfterMs?: number) =>
    new SwayError(sway, `${what} failed: ${text} (${[status !== undefined ? `HTTP ${status}` : '', code].filter(Boolean).join(' ')})`, {
      ...details,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });

  if (code === 'INVALID_SESSION_ID' || status === 401) return make('AUTH_EXPIRED', 'session expired or invalid');
  if (code === 'REQUEST_LIMIT_EXCEEDED') return make('RATE_LIMITED', "the org's daily API allowance is used up", SALESFORCE_LIMIT_WAIT_MS);
  if (code === 'UNABLE_TO_LOCK_ROW') return make('TRANSIENT', 'record locked by another transaction', SALESFORCE_LOCK_WAIT_MS);
  if (code === 'SERVER_UNAVAILABLE' || (status !== undefined && status >= 500)) return make('TRANSIENT', 'Salesforce server unavailable');
  if (code === 'DUPLICATE_DEVELOPER_NAME' || code === 'DUPLICATE_VALUE') return make('CONFLICT', 'already exists');
  if (code === 'NOT_FOUND' || code === 'ENTITY_IS_DELETED' || status === 404) return make('NOT_FOUND', 'not found');
  if (code === 'INSUFFICIENT_ACCESS' || code === 'INSUFFICIENT_ACCESS_OR_READONLY' || code === 'API_DISABLED_FOR_ORG' || status === 403) {
    return make('FORBIDDEN', 'missing permissions');
  }
  if (api && (FIELD_ERRORS.has(api.errorCode) || status === 400 || status === undefined)) {
    const fields = api.fields?.length ? ` [${api.fields.join(', ')}]` : '';
    return make('INVALID', `${short(api.message) || 'rejected'}${fields}`);
  }
  return make(status === 400 ? 'INVALID' : 'TRANSIENT', 'unexpected answer');
}

/** From an OAuth error `{error, error_description}` (token, refresh, revoke endpoints). */
export function classifySalesforceOAuth(error: string, description: string | undefined, step: OAuthStep, what = 'Salesforce OAuth'): SwayError {
  const text = `${what} failed: ${error}${description ? ` (${short(description)})` : ''}`;
  const details = { vendorCategory: error };
  if (error === 'invalid_grant') {
    // At refresh: the token was revoked, rotated away or expired; the installation is gone.
    // At exchange: a spent or forged code, or a PKCE verifier that does not match.
    return new SwayError(step === 'refresh' ? 'DISCONNECTED' : 'INVALID', text, details);
  }
  if (error === 'invalid_client' || error === 'invalid_client_id' || error === 'unauthorized_client') return new SwayError('FORBIDDEN', text, details);
  if (error === 'unsupported_token_type' && step === 'revoke') return new SwayError('NOT_FOUND', text, details);
  const http = /^ERROR_HTTP_(\d{3})$/.exec(error);
  if (http && Number(http[1]) >= 500) return new SwayError('TRANSIENT', `${what} failed: HTTP ${http[1]}`, { status: Number(http[1]) });
  if (error === 'rate_limit_exceeded') return new SwayError('RATE_LIMITED', text, { ...details, retryAfterMs: SALESFORCE_LIMIT_WAIT_MS });
  return new SwayError('INVALID', text, details);
}

const OAUTH_ERROR = /^(invalid_\w+|unsupported_\w+|unauthorized_client|access_denied|rate_limit_exceeded|inactive_\w+|ERROR_HTTP_\d{3})$/;

/**
 * Anything jsforce or fetch threw. HttpApiError carries no status, so `ERROR_HTTP_<n>` codes
 * (jsforce's name for an answer without a Salesforce body) give it back.
 */
export function classifySalesforceError(err: unknown, what = 'Salesforce request', step?: OAuthStep): SwayError {
  if (err instanceof SwayError) return err;
  const e = (isObject(err) ? err : {}) as { name?: unknown; message?: unknown; errorCode?: unknown; data?: unknown; cause?: unknown };
  if (step && typeof e.name === 'string' && OAUTH_ERROR.test(e.name)) {
    return classifySalesforceOAuth(e.name, typeof e.message === 'string' ? e.message : undefined, step, what);
  }
  if (typeof e.errorCode === 'string') {
    const http = /^ERROR_HTTP_(\d{3})$/.exec(e.errorCode);
    if (http) return classifySalesforceResponse(Number(http[1]), undefined, what);
    // MULTIPLE_API_ERRORS keeps the array in data; a single error is data itself.
    const body = e.errorCode === 'MULTIPLE_API_ERRORS' ? e.data : [{ errorCode: e.errorCode, message: e.message, fields: isObject(e.data) ? e.data.fields : undefined }];
    return classifySalesforceResponse(undefined, body, what);
  }
  // Network failures: undici's fetch says "fetch failed" with the socket error in `cause`.
  const cause = isObject(e.cause) ? (e.cause as { code?: unknown }).code : undefined;
  return new SwayError('TRANSIENT', `${what} failed: network error (${String(cause ?? (isObject(err) && 'code' in err ? (err as { code: unknown }).code : 'unknown'))})`);
}
