// HubSpot's error bodies. Handlers throw SandboxHttpError; the error middleware in server.ts
// sends it, so every error leaves through one place and is recorded with its real status.
//
// Shapes (checked against captured HubSpot responses and the SDK's Error/StandardError models):
//   API errors: {status:'error', message, correlationId, category, subCategory?, context?, links?, errors?}
//   OAuth token errors (/oauth/2026-03/token and /oauth/v1/token): {status:'BAD_…', message, correlationId} plus the RFC 6749
//   fields error/error_description that HubSpot added to OAuth errors in 2026.
import { randomUUID } from 'node:crypto';

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export interface HubSpotErrorBody {
  status: string;
  message: string;
  correlationId: string;
  category?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
  links?: Record<string, string>;
  errors?: ErrorDetail[];
  [extra: string]: unknown;
}

export class SandboxHttpError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    readonly contentType: 'json' | 'html' = 'json',
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String(body.message) : String(body));
  }
}

export const correlationId = (): string => randomUUID();

type Extra = Omit<Partial<HubSpotErrorBody>, 'status' | 'message' | 'category' | 'correlationId'>;

export function apiErrorBody(category: string, message: string, extra: Extra = {}): HubSpotErrorBody {
  return { status: 'error', message, correlationId: correlationId(), category, ...extra };
}

export function apiError(httpStatus: number, category: string, message: string, extra: Extra = {}) {
  return new SandboxHttpError(httpStatus, apiErrorBody(category, message, extra));
}

export const validationError = (message: string, extra: Extra = {}) =>
  apiError(400, 'VALIDATION_ERROR', message, extra);

export const notFoundError = (message: string, extra: Extra = {}) =>
  apiError(404, 'OBJECT_NOT_FOUND', message, extra);

// The wording HubSpot uses for a missing or unknown bearer token on api.hubapi.com.
export const AUTH_NOT_FOUND_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can ' +
  'find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export const MISSING_SCOPES_MESSAGE =
  "This app hasn't been granted all required scopes to make this call. Read more about required " +
  'scopes here: https://developers.hubspot.com/scopes.';

/** "The OAuth token used to make this call expired 3 minute(s) ago." — HubSpot's unit wording. */
export function expiredMessage(agoMs: number): string {
  const s = Math.max(0, Math.floor(agoMs / 1000));
  const [n, unit] =
    s < 60 ? [s, 'second'] : s < 3600 ? [Math.floor(s / 60), 'minute'] : s < 86_400 ? [Math.floor(s / 3600), 'hour'] : [Math.floor(s / 86_400), 'day'];
  return `The OAuth token used to make this call expired ${n} ${unit}(s) ago.`;
}

export type OAuthStatus =
  | 'BAD_AUTH_CODE'
  | 'BAD_REFRESH_TOKEN'
  | 'BAD_CLIENT_ID'
  | 'BAD_CLIENT_SECRET'
  | 'BAD_REDIRECT_URI'
  | 'BAD_GRANT_TYPE';

// RFC 6749 §5.2 code HubSpot sends next to each legacy status.
const RFC_ERROR: Record<OAuthStatus, string> = {
  BAD_AUTH_CODE: 'invalid_grant',
  BAD_REFRESH_TOKEN: 'invalid_grant',
  BAD_REDIRECT_URI: 'invalid_grant',
  BAD_CLIENT_ID: 'invalid_client',
  BAD_CLIENT_SECRET: 'invalid_client',
  BAD_GRANT_TYPE: 'unsupported_grant_type',
};

export function oauthError(status: OAuthStatus, message: string): SandboxHttpError {
  return new SandboxHttpError(400, {
    status,
    message,
    correlationId: correlationId(),
    error: RFC_ERROR[status],
    error_description: message,
  });
}

/** The authorize page is a browser page: HubSpot answers bad requests with HTML, not JSON. */
export function authorizePageError(message: string): SandboxHttpError {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!DOCTYPE html><html><head><title>Authorization failed</title></head><body><h1>Authorization failed</h1><p>${escaped}</p></body></html>`;
  return new SandboxHttpError(400, html, {}, 'html');
}
