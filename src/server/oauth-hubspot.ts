/**
 * The HubSpot install flow: /install sends the admin to HubSpot's consent screen with a
 * single-use state; /callback checks the state, exchanges the code, records the installation
 * (tokens sealed), issues the ingest API key (shown once) and enqueues provisioning.
 */
import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { connectors } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
import { oauthAppFrom } from '../jobs/context.ts';
import { enqueue, schedulePull } from '../jobs/queues.ts';
import { createApiKey } from '../store/api-keys.ts';
import { saveInstallation } from '../store/installations.ts';
import { consumeOAuthState, createOAuthState } from '../store/oauth-states.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';
import { installedPage } from './installed-page.ts';

const CRM = 'hubspot' as const;

export function hubspotOAuthRoutes(ctx: AppContext): Router {
  const router = Router();
  const app = oauthAppFrom(ctx.config);
  // Read per request: the demo and tests learn their public URL only after listening.
  const callbackUrl = () => `${ctx.config.publicUrl}/oauth/hubspot/callback`;

  router.get('/oauth/hubspot/install', async (_req, res) => {
    const state = await createOAuthState(ctx.db, CRM);
    res.redirect(302, connectors.hubspot.oauth.authorizeUrl(app, { redirectUri: callbackUrl(), state }));
  });

  router.get('/oauth/hubspot/callback', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.error) throw new HttpError(400, 'INSTALL_DECLINED', `HubSpot did not authorise the install (${String(q.error).slice(0, 100)})`);
    const issues = ['code', 'state'].filter((k) => typeof q[k] !== 'string' || q[k] === '').map((k) => ({ path: `query.${k}`, message: 'is required' }));
    if (issues.length) throw new HttpError(400, 'INVALID_CALLBACK', 'the callback is missing parameters', issues);
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
    const apiKey = await createApiKey(ctx.db, installation.id);
    // The state is single-use, so a job id derived from it makes this enqueue idempotent.
    const trigger = createHash('sha256').update(q.state!).digest('hex').slice(0, 16);
    const provisionJobId = await enqueue(ctx.queues, 'provision', installation.id, trigger);
    await schedulePull(ctx.queues, installation.id, ctx.config.pullIntervalMs);
    ctx.logger.info({ installationId: installation.id, portalId: account.accountId, created }, 'hubspot installation saved');
    const body = { installationId: installation.id, portalId: account.accountId, reinstall: !created, apiKey, provisionJobId };
    // Secrets in this response must never be cached by a proxy or the browser.
    res.set('Cache-Control', 'no-store');
    if (wantsJson(req)) res.status(201).json(body);
    else res.status(201).type('html').send(installedPage(body));
  });

  return router;
}

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';
