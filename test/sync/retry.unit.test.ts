import { describe, expect, it } from 'vitest';
import { classifyHubSpotResponse } from '../../connectors/hubspot/errors.ts';
import { SwayError } from '../../src/domain/errors.ts';
import { decideRetry, DEFAULT_RATE_LIMIT_WAIT_MS, MAX_ATTEMPTS } from '../../src/sync/retry.ts';

describe('HubSpot error classification and retry decisions', () => {
  it('waits out a 429 for Retry-After, or a full window without it', () => {
    const withHeader = classifyHubSpotResponse(429, { policyName: 'TEN_SECONDLY_ROLLING' }, { 'Retry-After': '3' });
    expect(decideRetry(withHeader, 1)).toMatchObject({ kind: 'delay', ms: 3000 });
    const without = classifyHubSpotResponse(429, { policyName: 'TEN_SECONDLY_ROLLING' });
    expect(decideRetry(without, 1)).toMatchObject({ kind: 'delay', ms: DEFAULT_RATE_LIMIT_WAIT_MS });
  });

  it('backs off on 5xx and network errors, gives up on 4xx and revoked installs', () => {
    expect(decideRetry(classifyHubSpotResponse(502, null), 1).kind).toBe('backoff');
    expect(decideRetry(classifyHubSpotResponse(400, { category: 'VALIDATION_ERROR', message: 'bad' }), 1).kind).toBe('permanent');
    const revoked = classifyHubSpotResponse(400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token' });
    expect(revoked.code).toBe('DISCONNECTED');
    expect(decideRetry(revoked, 1).kind).toBe('permanent');
    expect(decideRetry(new SwayError('TRANSIENT', 'x'), MAX_ATTEMPTS).kind).toBe('permanent');
  });

  it('an object a connector does not write is permanent (retrying cannot add support)', () => {
    expect(decideRetry(new SwayError('UNSUPPORTED', 'the hubspot connector does not write company records'), 1).kind).toBe('permanent');
  });

  it('never copies a response body into the error message beyond HubSpot\'s own message', () => {
    const e = classifyHubSpotResponse(401, { category: 'INVALID_AUTHENTICATION', message: 'x', echo: 'Bearer secret-token' });
    expect(e.message).not.toContain('secret-token');
  });
});
