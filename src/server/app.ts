/** The express app: install flow, ingest API, health. */
import express from 'express';
import type { AppContext } from './context.ts';
import { errorHandler, sendError } from './http-errors.ts';
import { identityRoutes } from './identity.ts';
import { matchesRoutes } from './matches.ts';
import { hubspotOAuthRoutes } from './oauth-hubspot.ts';
import { peopleRoutes } from './people.ts';
import { runsRoutes } from './runs.ts';
import { settingsRoutes } from './settings.ts';
import { signalsRoutes } from './signals.ts';
import { hubspotWebhookRoutes } from './webhooks-hubspot.ts';

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(hubspotOAuthRoutes(ctx));
  app.use(signalsRoutes(ctx));
  app.use(hubspotWebhookRoutes(ctx));
  app.use(runsRoutes(ctx));
  app.use(identityRoutes(ctx));
  app.use(peopleRoutes(ctx));
  app.use(matchesRoutes(ctx));
  app.use(settingsRoutes(ctx));
  app.use((req, res) => sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(ctx.logger));
  return app;
}
