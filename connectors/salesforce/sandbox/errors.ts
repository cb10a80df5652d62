// Salesforce's error bodies. REST errors are a JSON array `[{message, errorCode, fields?}]`;
// the OAuth endpoints answer `{error, error_description}`. Handlers throw SandboxHttpError; the
// error middleware in server.ts sends it, so every error leaves through one place.

export interface RestError {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** One record's failure inside a collection or single write: `{statusCode, message, fields}`. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export class SandboxHttpError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: unknown,
    readonly contentType: 'json' | 'html' | 'text' | 'form' = 'json',
  ) {
    super(Array.isArray(body) ? String((body[0] as RestError | undefined)?.message) : typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export function restError(httpStatus: number, errorCode: string, message: string, fields?: string[]): SandboxHttpError {
  const error: RestError = { message, errorCode };
  if (fields) error.fields = fields;
  return new SandboxHttpError(httpStatus, [error]);
}

export const sessionError = () => restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const notFound = () => restError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const malformedQuery = (message: string) => restError(400, 'MALFORMED_QUERY', message);
export const limitExceeded = () => restError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

/** A record-level failure; thrown by record validation, caught per record by writers. */
export class RecordWriteError extends Error {
  constructor(readonly error: RecordError) {
    super(error.message);
  }
}

export const recordError = (statusCode: string, message: string, fields: string[] = []) =>
  new RecordWriteError({ statusCode, message, fields });

/** A record error as a single-record REST call answers it (400 with errorCode). */
export function recordHttpError(e: RecordError): SandboxHttpError {
  return restError(400, e.statusCode, e.message, e.fields);
}

export function oauthError(error: string, description: string, httpStatus = 400): SandboxHttpError {
  return new SandboxHttpError(httpStatus, { error, error_description: description });
}

/** The authorize page is a browser page: requests it cannot redirect get HTML. */
export function authorizePageError(message: string): SandboxHttpError {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return new SandboxHttpError(400, `<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Remote Access Error</h1><p>${escaped}</p></body></html>`, 'html');
}
