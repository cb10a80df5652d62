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
