/**
 * The HubSpot install flow: /install sends the admin to HubSpot's consent screen with a
 * single-use state, also set in a cookie of that browser; /callback checks the state and that
 * the cookie holds it (oauth-state-cookie.ts), exchanges the code, records the installation
 * (tokens sealed), issues the ingest API key (shown once), revokes the installation's earlier
 * keys (unless the install was started with `?keepKeys=1`) and enqueues provisioning.
 *
 * A browser sees problems (declined consent, a link from another browser, an expired state) as
 * an HTML page; a client asking for JSON gets the usual error body.
 */
import { createHash } from 'node:crypto';
import { Router, type ErrorRequestHandler, type Request } from 'express';
import { connectors } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
import { oauthAppFrom } from '../jobs/context.ts';
import { enqueue, schedulePull } from '../jobs/queues.ts';
import { issueApiKey } from '../store/api-keys.ts';
import { saveInstallation } from '../store/installations.ts';
import { consumeOAuthState, createOAuthState, KEEP_KEYS_SUFFIX } from '../store/oauth-states.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';
import { installProblemPage } from './install-problem-page.ts';
import { clearStateCookie, setStateCookie, stateMatchesCookie } from './oauth-state-cookie.ts';
import { installedPage } from './installed-page.ts';

const CRM = 'hubspot' as const;

export function hubspotOAuthRoutes(ctx: AppContext): Router {
  const router = Router();
  const app = oauthAppFrom(ctx.config);
  // Read per request: the demo and tests learn their public URL only after listening.
  const callbackUrl = () => `${ctx.config.publicUrl}/oauth/hubspot/callback`;

  router.get('/oauth/hubspot/install', async (req, res) => {
    const keepKeys = req.query.keepKeys === '1' || req.query.keepKeys === 'true';
    const state = await createOAuthState(ctx.db, CRM, new Date(), { keepKeys });
    setStateCookie(res, ctx.config.publicUrl, CRM, state);
    res.redirect(302, connectors.hubspot.oauth.authorizeUrl(app, { redirectUri: callbackUrl(), state }));
  });

  router.get('/oauth/hubspot/callback', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.error) {
      clearStateCookie(res, ctx.config.publicUrl, CRM);
      throw new HttpError(400, 'INSTALL_DECLINED', `HubSpot did not authorise the install (${String(q.error).slice(0, 100)}); nothing was installed`);
    }
    const issues = ['code', 'state'].filter((k) => typeof q[k] !== 'string' || q[k] === '').map((k) => ({ path: `query.${k}`, message: 'is required' }));
    if (issues.length) throw new HttpError(400, 'INVALID_CALLBACK', 'the callback is missing parameters', issues);
    if (!stateMatchesCookie(req, q.state!)) {
      throw new HttpError(
        400,
        'STATE_MISMATCH',
        'this install was not started in this browser, so it was refused (a link someone sent you cannot install their HubSpot account here); start again at /oauth/hubspot/install',
      );
    }
    clearStateCookie(res, ctx.config.publicUrl, CRM);
    if (!(await consumeOAuthState(ctx.db, CRM, q.state!))) {
      throw new HttpError(400, 'INVALID_STATE', 'this install link has expired or was already used; start again at /oauth/hubspot/install');
    }
    let tokens, account;
    try {
      tokens = await connectors.hubspot.oauth.exchangeCode(app, { code: q.code!, redirectUri: callbackUrl() });
      account = await connectors.hubspot.oauth.accountInfo(app, tokens.accessToken);
    } catch (err) {
      if (err instanceof SwayError && err.code !== 'TRANSIENT' && err.code !== 'RATE_LIMITED') {
        throw new HttpError(400, 'INSTALL_FAILED', `HubSpot rejected the install: ${err.message}`);
      }
      throw new HttpError(502, 'HUBSPOT_UNAVAILABLE', 'HubSpot could not be reached to finish the install; please try again');
    }
    const { installation, created } = await saveInstallation(ctx.db, ctx.config.encryptionKey, CRM, account, tokens);
    // A reinstall revokes the keys issued before (a lost or leaked key dies with it), unless
    // the admin started the install with ?keepKeys=1 (the state carries that choice).
    const keepKeys = stateKeepsKeys(q.state!);
    const issued = await issueApiKey(ctx.db, installation.id, keepKeys ? 'none' : 'all');
    const apiKey = issued.key;
    // The state is single-use, so a job id derived from it makes this enqueue idempotent.
    const trigger = createHash('sha256').update(q.state!).digest('hex').slice(0, 16);
    const provisionJobId = await enqueue(ctx.queues, 'provision', installation.id, trigger);
    await schedulePull(ctx.queues, installation.id, ctx.config.pullIntervalMs);
    ctx.logger.info({ installationId: installation.id, created, keysRevoked: issued.revoked.length }, 'hubspot installation saved');
    const body = { installationId: installation.id, portalId: account.accountId, reinstall: !created, apiKey, keysRevoked: issued.revoked.length, provisionJobId };
    // Secrets in this response must never be cached by a proxy or the browser.
    res.set('Cache-Control', 'no-store');
    if (wantsJson(req)) res.status(201).json(body);
    else res.status(201).type('html').send(installedPage(body));
  });

  router.use(installErrorPage);
  return router;
}

/** Errors of the install flow as a page for browsers; JSON clients fall through to the app's handler. */
const installErrorPage: ErrorRequestHandler = (err, req, res, next) => {
  if (!(err instanceof HttpError) || wantsJson(req)) return next(err);
  if (!req.path.startsWith('/oauth/')) return next(err);
  const title = err.code === 'INSTALL_DECLINED' ? 'Sway was not installed' : 'The install could not be completed';
  res.status(err.status).type('html').send(installProblemPage({ title, message: err.message, installPath: `/oauth/${CRM}/install` }));
};

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

/** Set by createOAuthState when the install was started with ?keepKeys=1. */
const stateKeepsKeys = (state: string) => state.endsWith(KEEP_KEYS_SUFFIX);
