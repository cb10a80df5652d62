/** The express app: install flow, ingest API, health. */
import express from 'express';
import helmet from 'helmet';
import { campaignsRoutes } from './campaigns.ts';
import type { AppContext } from './context.ts';
import { errorHandler, sendError } from './http-errors.ts';
import { identityRoutes } from './identity.ts';
import { keysRoutes } from './keys.ts';
import { matchesRoutes } from './matches.ts';
import { oauthRoutes } from './oauth.ts';
import { peopleRoutes } from './people.ts';
import { apiRateLimit, installRateLimit } from './rate-limits.ts';
import { runsRoutes } from './runs.ts';
import { settingsRoutes } from './settings.ts';
import { signalsRoutes } from './signals.ts';
import { webhookRoutes } from './webhooks.ts';

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Who the client is, for rate limits: the forwarded address only behind a proxy we trust.
  if (ctx.config.rateLimits.trustProxy !== undefined) app.set('trust proxy', ctx.config.rateLimits.trustProxy);
  // Security headers on every answer (CSP, HSTS, nosniff, frame-ancestors…): the install pages
  // are HTML that shows an API key once.
  app.use(helmet());
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Limits come before authentication and body parsing (rate-limits.ts).
  app.use('/api/v1', apiRateLimit(ctx));
  const installLimit = installRateLimit(ctx);
  app.use('/oauth', (req, res, next) => (/^\/[^/]+\/install\/?$/.test(req.path) ? installLimit(req, res, next) : next()));
  // The CRM edge dispatches on :crm through the connector registry (src/server/crm-route.ts);
  // /crm-actions/:crm/… (workflow actions) will be mounted the same way.
  app.use(oauthRoutes(ctx));
  app.use(signalsRoutes(ctx));
  app.use(webhookRoutes(ctx));
  app.use(runsRoutes(ctx));
  app.use(identityRoutes(ctx));
  app.use(peopleRoutes(ctx));
  app.use(matchesRoutes(ctx));
  app.use(keysRoutes(ctx));
  app.use(settingsRoutes(ctx));
  app.use(campaignsRoutes(ctx));
  app.use((req, res) => sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(ctx.logger));
  return app;
}
