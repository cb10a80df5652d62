/**
 * The process logger (pino). Redaction is a second line of defence: code never logs tokens,
 * keys or Authorization headers on purpose, and these paths are censored if one slips in.
 */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'accessToken', 'refreshToken', 'apiKey', 'clientSecret', 'token', 'password',
  '*.accessToken', '*.refreshToken', '*.apiKey', '*.clientSecret', '*.token', '*.password',
  'headers.authorization', '*.headers.authorization', 'req.headers.authorization',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'sway' } }, destination);
}

export type { Logger };

/**
 * What a log line (or run history) may say about an error. A failed query's message carries
 * its SQL parameters (drizzle: "Failed query: … params: dana@acme.com,…") and PostgreSQL's
 * `detail` the offending values ("Key (email)=(dana@acme.com) already exists"); logs outlive a
 * privacy erasure, so for database errors only the SQLSTATE code, the constraint, table and
 * column names and the error's class are kept. Other errors keep their message (ours never
 * carry personal data on purpose).
 */
export function errorForLog(err: unknown): { message: string; code?: string; constraint?: string; table?: string; column?: string } {
  const db = databaseError(err);
  if (db) {
    const parts = { code: db.code, constraint: db.constraint, table: db.table, column: db.column };
    const named = Object.entries(parts).filter(([, v]) => typeof v === 'string' && v !== '').map(([k, v]) => `${k} ${v}`);
    return { message: `database error (${named.join(', ') || 'no code'})`, ...Object.fromEntries(Object.entries(parts).filter(([, v]) => typeof v === 'string')) };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

type DbErrorFields = { code?: string; constraint?: string; table?: string; column?: string };

/** The PostgreSQL error in `err` or its causes (drizzle wraps pg's and PGlite's), or null. */
function databaseError(err: unknown): DbErrorFields | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE: five characters, digits and upper-case letters (pg and PGlite both set it).
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as DbErrorFields;
    if ((e as Error).message?.startsWith('Failed query:')) {
      const inner = databaseError((e as { cause?: unknown }).cause);
      return inner ?? {};
    }
  }
  return null;
}
