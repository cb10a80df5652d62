/**
 * The install flow of every configured CRM, `/oauth/:crm/install` and `/oauth/:crm/callback`,
 * through the connector registry (crm-route.ts): /install sends the admin to the CRM's consent screen with a
 * single-use state, also set in a cookie of that browser; /callback checks the state and that
 * the cookie holds it (oauth-state-cookie.ts), exchanges the code, records the installation
 * (tokens sealed), issues the ingest API key (shown once), revokes the installation's earlier
 * keys (unless the install was started with `?keepKeys=1`) and enqueues provisioning.
 *
 * A browser sees problems (declined consent, a link from another browser, an expired state) as
 * an HTML page; a client asking for JSON gets the usual error body.
 */
import { createHash } from 'node:crypto';
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { SwayError } from '../domain/errors.ts';
import { enqueue, schedulePull } from '../jobs/queues.ts';
import { issueApiKey } from '../store/api-keys.ts';
import { saveInstallation } from '../store/installations.ts';
import { consumeOAuthState, createOAuthState, KEEP_KEYS_SUFFIX } from '../store/oauth-states.ts';
import type { AppContext } from './context.ts';
import { crmOf, type CrmRoute } from './crm-route.ts';
import { HttpError } from './http-errors.ts';
import { installProblemPage } from './install-problem-page.ts';
import { clearStateCookie, setStateCookie, stateMatchesCookie } from './oauth-state-cookie.ts';
import { installedPage } from './installed-page.ts';

export function oauthRoutes(ctx: AppContext): Router {
  const router = Router();
  // Read per request: the demo and tests learn their public URL only after listening.
  const callbackUrl = (crm: string) => `${ctx.config.publicUrl}/oauth/${crm}/callback`;
  const route = (req: Request, res: Response): CrmRoute => {
    const r = crmOf(ctx, req);
    res.locals.crmRoute = r; // for installErrorPage
    return r;
  };

  router.get('/oauth/:crm/install', async (req, res) => {
    const { crm, connector, config } = route(req, res);
    const keepKeys = req.query.keepKeys === '1' || req.query.keepKeys === 'true';
    const state = await createOAuthState(ctx.db, crm, new Date(), { keepKeys });
    setStateCookie(res, ctx.config.publicUrl, crm, state);
    res.redirect(302, connector.oauth.authorizeUrl(config.oauthApp, { redirectUri: callbackUrl(crm), state }));
  });

  router.get('/oauth/:crm/callback', async (req, res) => {
    const { crm, connector, config } = route(req, res);
    const { label } = connector;
    const app = config.oauthApp;
    const q = req.query as Record<string, string | undefined>;
    if (q.error) {
      clearStateCookie(res, ctx.config.publicUrl, crm);
      throw new HttpError(400, 'INSTALL_DECLINED', `${label} did not authorise the install (${String(q.error).slice(0, 100)}); nothing was installed`);
    }
    const issues = ['code', 'state'].filter((k) => typeof q[k] !== 'string' || q[k] === '').map((k) => ({ path: `query.${k}`, message: 'is required' }));
    if (issues.length) throw new HttpError(400, 'INVALID_CALLBACK', 'the callback is missing parameters', issues);
    if (!stateMatchesCookie(req, q.state!)) {
      throw new HttpError(
        400,
        'STATE_MISMATCH',
        `this install was not started in this browser, so it was refused (a link someone sent you cannot install their ${label} account here); start again at /oauth/${crm}/install`,
      );
    }
    clearStateCookie(res, ctx.config.publicUrl, crm);
    if (!(await consumeOAuthState(ctx.db, crm, q.state!))) {
      throw new HttpError(400, 'INVALID_STATE', `this install link has expired or was already used; start again at /oauth/${crm}/install`);
    }
    let tokens, account;
    try {
      tokens = await connector.oauth.exchangeCode(app, { code: q.code!, redirectUri: callbackUrl(crm) });
      account = await connector.oauth.accountInfo(app, tokens.accessToken);
    } catch (err) {
      if (err instanceof SwayError && err.code !== 'TRANSIENT' && err.code !== 'RATE_LIMITED') {
        throw new HttpError(400, 'INSTALL_FAILED', `${label} rejected the install: ${err.message}`);
      }
      throw new HttpError(502, `${crm.toUpperCase()}_UNAVAILABLE`, `${label} could not be reached to finish the install; please try again`);
    }
    // The account's own API host when the CRM has one per account, else the app's.
    const apiBaseUrl = account.apiBaseUrl ?? app.apiBaseUrl;
    const { installation, created } = await saveInstallation(ctx.db, ctx.config.encryptionKey, crm, { ...account, apiBaseUrl }, tokens);
    // A reinstall revokes the keys issued before (a lost or leaked key dies with it), unless
    // the admin started the install with ?keepKeys=1 (the state carries that choice).
    const keepKeys = stateKeepsKeys(q.state!);
    const issued = await issueApiKey(ctx.db, installation.id, keepKeys ? 'none' : 'all');
    const apiKey = issued.key;
    // The state is single-use, so a job id derived from it makes this enqueue idempotent.
    const trigger = createHash('sha256').update(q.state!).digest('hex').slice(0, 16);
    const provisionJobId = await enqueue(ctx.queues, 'provision', installation.id, trigger);
    await schedulePull(ctx.queues, installation.id, ctx.config.pullIntervalMs);
    ctx.logger.info({ crm, installationId: installation.id, created, keysRevoked: issued.revoked.length }, 'installation saved');
    const body = {
      installationId: installation.id,
      accountId: account.accountId,
      ...(connector.accountField ? { [connector.accountField]: account.accountId } : {}),
      reinstall: !created,
      apiKey,
      keysRevoked: issued.revoked.length,
      provisionJobId,
    };
    // Secrets in this response must never be cached by a proxy or the browser.
    res.set('Cache-Control', 'no-store');
    if (wantsJson(req)) res.status(201).json(body);
    else res.status(201).type('html').send(installedPage({ crmLabel: label, accountId: account.accountId, apiKey, reinstall: !created }));
  });

  router.use(installErrorPage);
  return router;
}

/** Errors of a known CRM's install flow as a page for browsers; JSON clients (and unknown CRMs) fall through to the app's handler. */
const installErrorPage: ErrorRequestHandler = (err, req, res, next) => {
  const route = res.locals.crmRoute as CrmRoute | undefined;
  if (!(err instanceof HttpError) || wantsJson(req) || !route) return next(err);
  if (!req.path.startsWith('/oauth/')) return next(err);
  const title = err.code === 'INSTALL_DECLINED' ? 'Sway was not installed' : 'The install could not be completed';
  res.status(err.status).type('html').send(installProblemPage({ title, message: err.message, installPath: `/oauth/${route.crm}/install` }));
};

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

/** Set by createOAuthState when the install was started with ?keepKeys=1. */
const stateKeepsKeys = (state: string) => state.endsWith(KEEP_KEYS_SUFFIX);
