// The express app (app host and API host paths on one port) and its HTTP listener.
import { SandboxListener } from '../../sandbox-server.ts';
import express, { type NextFunction, type Request, type Response } from 'express';
import { associationsRouter } from './associations-routes.ts';
import { crmAuthenticate, crmRateLimit } from './crm-auth.ts';
import { contactsRouter } from './crm-routes.ts';
import { dealsRouter } from './deal-routes.ts';
import { SandboxHttpError, apiErrorBody } from './errors.ts';
import { injectFaults } from './faults.ts';
import { oauthRouter } from './oauth-routes.ts';
import { pipelinesRouter } from './pipelines.ts';
import { propertiesRouter } from './properties-routes.ts';
import { recorder } from './recorder.ts';
import { searchRouter } from './search-routes.ts';
import type { SandboxState } from './state.ts';

interface BodyParserError {
  type?: string;
  message?: string;
}

function errorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  if (err instanceof SandboxHttpError) {
    res.status(err.httpStatus).set(err.headers);
    if (err.contentType === 'html') res.type('html').send(String(err.body));
    else res.json(err.body);
    return;
  }
  const parserError = err as BodyParserError;
  if (parserError.type === 'entity.parse.failed') {
    // HubSpot's wording for bodies it cannot parse.
    res.status(400).json(apiErrorBody('VALIDATION_ERROR', `Invalid input JSON: ${parserError.message ?? 'malformed body'}`));
    return;
  }
  if (parserError.type === 'entity.too.large') {
    res.status(413).json(apiErrorBody('VALIDATION_ERROR', 'Request body too large'));
    return;
  }
  // Anything else is a bug in the sandbox: answer like HubSpot's 500 and say so on stderr.
  console.error('[hubspot-sandbox] unexpected error', err);
  res.status(500).json(apiErrorBody('INTERNAL_ERROR', 'internal error'));
}

export function buildApp(state: SandboxState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(recorder(state));
  app.use(oauthRouter(state));
  // Authentication (and the burst limit) come before body parsing, as on HubSpot: a bad token
  // is a 401 whatever the body holds. Injected faults hit authenticated calls only, before
  // they are counted or do anything.
  app.use('/crm', crmAuthenticate(state), injectFaults(state), crmRateLimit(state), express.json({ limit: '5mb' }));
  // Search first: '/crm/v3/objects/contacts/search' must not be taken for a contact id.
  app.use(searchRouter(state));
  app.use(contactsRouter(state));
  app.use(dealsRouter(state));
  app.use(associationsRouter(state));
  app.use(pipelinesRouter(state));
  app.use(propertiesRouter(state));
  app.use((req: Request, res: Response) => {
    res.status(404).json(apiErrorBody('OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler);
  return app;
}

/** The HubSpot sandbox's listener (connectors/sandbox-server.ts). */
export class SandboxServer extends SandboxListener {
  constructor(app: express.Express) {
    super({ label: 'HubSpot' }, app);
  }
}
