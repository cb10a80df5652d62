/**
 * Binds an OAuth `state` to the browser that started the install (issue 10, item 5). Without
 * it, an attacker could start an install, stop at the CRM's redirect and send the callback link
 * (code + state, both valid) to a victim: completed in the victim's browser, it installed the
 * attacker's CRM account there. /install now sets the state in an HttpOnly cookie, and the callback
 * is accepted only when that browser's cookie holds the same state (compared by hash, in
 * constant time). SameSite=Lax lets the cookie ride along on the CRM's top-level redirect back.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';
import { STATE_TTL_MS } from '../store/oauth-states.ts';

export const STATE_COOKIE = 'sway_oauth_state';

const cookieOptions = (publicUrl: string, crm: string) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: publicUrl.startsWith('https:'),
  path: `/oauth/${crm}`,
});

export function setStateCookie(res: Response, publicUrl: string, crm: string, state: string): void {
  res.append('Set-Cookie', serialize(STATE_COOKIE, state, { ...cookieOptions(publicUrl, crm), maxAge: STATE_TTL_MS / 1000 }));
}

export function clearStateCookie(res: Response, publicUrl: string, crm: string): void {
  res.append('Set-Cookie', serialize(STATE_COOKIE, '', { ...cookieOptions(publicUrl, crm), maxAge: 0 }));
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when this browser started the install that `state` belongs to. */
export function stateMatchesCookie(req: Request, state: string): boolean {
  const header = req.get('cookie');
  const cookie = header ? parse(header)[STATE_COOKIE] : undefined;
  return typeof cookie === 'string' && cookie !== '' && timingSafeEqual(digest(cookie), digest(state));
}
