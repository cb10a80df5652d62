// The Salesforce error classifier and the usage parsers: pure cases, then the shapes jsforce
// actually throws (HttpApiError with errorCode and data, OAuth errors named by their `error`).
import { describe, expect, it } from 'vitest';
import { SwayError } from '../../../src/domain/errors.ts';
import {
  classifySalesforceError,
  classifySalesforceOAuth,
  classifySalesforceResponse,
  SALESFORCE_LIMIT_WAIT_MS,
  SALESFORCE_LOCK_WAIT_MS,
} from '../../../connectors/salesforce/errors.ts';
import { dailyShare, parseLimitInfo, parseLimitsBody, SALESFORCE_LIMITS } from '../../../connectors/salesforce/limits.ts';

const body = (errorCode: string, message = 'm', fields?: string[]) => [{ message, errorCode, ...(fields && { fields }) }];

describe('classifySalesforceResponse', () => {
  it.each([
    [401, 'INVALID_SESSION_ID', 'AUTH_EXPIRED'],
    [403, 'REQUEST_LIMIT_EXCEEDED', 'RATE_LIMITED'],
    [400, 'UNABLE_TO_LOCK_ROW', 'TRANSIENT'],
    [503, 'SERVER_UNAVAILABLE', 'TRANSIENT'],
    [500, 'UNKNOWN_EXCEPTION', 'TRANSIENT'],
    [400, 'INVALID_FIELD', 'INVALID'],
    [400, 'REQUIRED_FIELD_MISSING', 'INVALID'],
    [400, 'MALFORMED_QUERY', 'INVALID'],
    [400, 'DUPLICATE_DEVELOPER_NAME', 'CONFLICT'],
    [400, 'DUPLICATE_VALUE', 'CONFLICT'],
    [404, 'NOT_FOUND', 'NOT_FOUND'],
    [403, 'INSUFFICIENT_ACCESS', 'FORBIDDEN'],
    [403, 'API_DISABLED_FOR_ORG', 'FORBIDDEN'],
  ])('HTTP %i %s → %s', (status, code, expected) => {
    const error = classifySalesforceResponse(status, body(code));
    expect(error.code).toBe(expected);
    expect(error.details).toMatchObject({ status, vendorCategory: code });
  });

  it('waits on the daily limit and on row locks (Salesforce sends no Retry-After)', () => {
    expect(classifySalesforceResponse(403, body('REQUEST_LIMIT_EXCEEDED')).retryAfterMs).toBe(SALESFORCE_LIMIT_WAIT_MS);
    expect(classifySalesforceResponse(400, body('UNABLE_TO_LOCK_ROW')).retryAfterMs).toBe(SALESFORCE_LOCK_WAIT_MS);
    expect(classifySalesforceResponse(503, '<html>down</html>').code).toBe('TRANSIENT');
    expect(classifySalesforceResponse(503, '<html>down</html>').retryAfterMs).toBeUndefined();
  });

  it('names the fields of a field error and truncates the message', () => {
    const error = classifySalesforceResponse(400, body('INVALID_FIELD', `No such column 'Sway_X__c' ${'x'.repeat(500)}`, ['Sway_X__c']));
    expect(error.message).toContain("No such column 'Sway_X__c'");
    expect(error.message).toContain('[Sway_X__c]');
    expect(error.message.length).toBeLessThan(400);
  });

  it('a 401 without a body is AUTH_EXPIRED; an unknown 4xx body is INVALID without its contents', () => {
    expect(classifySalesforceResponse(401, undefined).code).toBe('AUTH_EXPIRED');
    const error = classifySalesforceResponse(400, { echoed: 'secret-token' });
    expect(error.code).toBe('INVALID');
    expect(error.message).not.toContain('secret-token');
  });
});

describe('classifySalesforceOAuth', () => {
  it('invalid_grant: DISCONNECTED at refresh, INVALID at install', () => {
    expect(classifySalesforceOAuth('invalid_grant', 'expired access/refresh token', 'refresh').code).toBe('DISCONNECTED');
    expect(classifySalesforceOAuth('invalid_grant', 'invalid code verifier', 'exchange').code).toBe('INVALID');
  });
  it.each([
    ['invalid_client', 'exchange', 'FORBIDDEN'],
    ['unsupported_token_type', 'revoke', 'NOT_FOUND'],
    ['ERROR_HTTP_503', 'refresh', 'TRANSIENT'],
    ['invalid_request', 'exchange', 'INVALID'],
  ] as const)('%s at %s → %s', (error, step, expected) => {
    expect(classifySalesforceOAuth(error, undefined, step).code).toBe(expected);
  });
});

describe('classifySalesforceError (what jsforce throws)', () => {
  const httpApiError = (errorCode: string, message: string, data?: unknown) => Object.assign(new Error(message), { name: errorCode, errorCode, data });
  it('reads HttpApiError codes, MULTIPLE_API_ERRORS and ERROR_HTTP_<n>', () => {
    expect(classifySalesforceError(httpApiError('INVALID_SESSION_ID', 'Session expired or invalid')).code).toBe('AUTH_EXPIRED');
    expect(classifySalesforceError(httpApiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')).code).toBe('RATE_LIMITED');
    expect(classifySalesforceError(httpApiError('MULTIPLE_API_ERRORS', 'Multiple errors', body('UNABLE_TO_LOCK_ROW'))).code).toBe('TRANSIENT');
    expect(classifySalesforceError(httpApiError('ERROR_HTTP_503', '<html>')).code).toBe('TRANSIENT');
    const field = classifySalesforceError(httpApiError('INVALID_FIELD', 'No such column', { message: 'No such column', errorCode: 'INVALID_FIELD', fields: ['A__c'] }));
    expect(field.code).toBe('INVALID');
    expect(field.message).toContain('[A__c]');
  });
  it('reads OAuth errors by name only for OAuth steps, network errors as TRANSIENT, and passes SwayErrors on', () => {
    const oauth = Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' });
    expect(classifySalesforceError(oauth, 'refresh', 'refresh').code).toBe('DISCONNECTED');
    const network = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const error = classifySalesforceError(network);
    expect(error).toMatchObject({ code: 'TRANSIENT' });
    expect(error.message).toContain('ECONNREFUSED');
    const own = new SwayError('INVALID', 'x');
    expect(classifySalesforceError(own)).toBe(own);
  });
});

describe('limits', () => {
  it('declares a daily share and no vendor burst window beyond Sway pacing', () => {
    expect(SALESFORCE_LIMITS.daily).toEqual({ requests: 10_000 });
    expect(Object.keys(SALESFORCE_LIMITS.burst)).toEqual(['standard']);
    expect(dailyShare(115_000)).toBe(11_500);
    expect(dailyShare(5, 0.1)).toBe(1);
    expect(() => dailyShare(0)).toThrow(RangeError);
    expect(() => dailyShare(100, 1.5)).toThrow(RangeError);
  });
  it('parses Sforce-Limit-Info', () => {
    expect(parseLimitInfo('api-usage=18/100000')).toEqual({ used: 18, max: 100_000, remaining: 99_982 });
    expect(parseLimitInfo('per-app-api-usage=2/50000(appName=sway), api-usage=120/115000')).toEqual({ used: 120, max: 115_000, remaining: 114_880 });
    expect(parseLimitInfo('api-usage=120/100')).toEqual({ used: 120, max: 100, remaining: 0 });
    for (const bad of [undefined, '', 'api-usage=x/1', 'api-usage=1/0', 'per-app-api-usage=1/5']) expect(parseLimitInfo(bad)).toBeNull();
  });
  it('parses the /limits body', () => {
    expect(parseLimitsBody({ DailyApiRequests: { Max: 100_000, Remaining: 99_000 }, DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 } })).toEqual({ used: 1_000, max: 100_000, remaining: 99_000 });
    expect(parseLimitsBody({ DailyApiRequests: { Max: 0, Remaining: 0 } })).toBeNull();
    expect(parseLimitsBody([{ errorCode: 'INVALID_SESSION_ID' }])).toBeNull();
  });
});
