// The express app (login host and instance paths on one port) and its HTTP listener.
import { SandboxListener } from '../../sandbox-server.ts';
import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticate, countCall } from './api-auth.ts';
import { bulkRouter } from './bulk-routes.ts';
import { collectionsRouter } from './collections-routes.ts';
import { notFound, restError, SandboxHttpError } from './errors.ts';
import { injectFaults } from './faults.ts';
import { limitsRouter } from './limits.ts';
import { oauthRouter } from './oauth-routes.ts';
import { queryRouter } from './query-routes.ts';
import { recorder } from './recorder.ts';
import { sobjectRouter } from './sobject-routes.ts';
import type { SandboxState } from './state.ts';
import { toolingRouter } from './tooling-routes.ts';
import { API_VERSION } from './types.ts';

function errorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  const parserError = err as { type?: string; message?: string };
  const error =
    err instanceof SandboxHttpError ? err
    : parserError.type === 'entity.parse.failed' ? restError(400, 'JSON_PARSER_ERROR', `Unexpected character: ${parserError.message ?? 'malformed JSON'}`)
    : parserError.type === 'entity.too.large' ? restError(413, 'REQUEST_ENTITY_TOO_LARGE', 'Request entity too large')
    : undefined;
  if (!error) {
    // Anything else is a bug in the sandbox: answer like Salesforce's 500 and say so on stderr.
    console.error('[salesforce-sandbox] unexpected error', err);
    res.status(500).json([{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support.', errorCode: 'UNKNOWN_EXCEPTION' }]);
    return;
  }
  res.status(error.httpStatus);
  if (error.contentType === 'html') res.type('html').send(String(error.body));
  else if (error.contentType === 'text') res.type('text/plain').send(String(error.body));
  else if (error.contentType === 'form') res.type('application/x-www-form-urlencoded').send(String(error.body));
  else res.json(error.body);
}

export function buildApp(state: SandboxState, baseUrl: () => string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(recorder(state));
  app.use(oauthRouter(state, baseUrl));
  app.get('/services/data', (_req, res) => {
    res.json([{ label: "Spring '26", url: `/services/data/v${API_VERSION}`, version: API_VERSION }]);
  });
  // Authentication comes first (a bad token is a 401 whatever else is wrong), then injected
  // faults (before anything is counted or written), then the daily allowance, then the body.
  const api = express.Router();
  api.use(authenticate(state), injectFaults(state), countCall(state), express.json({ limit: '50mb' }));
  api.get('/', (_req, res) => {
    const base = `/services/data/v${API_VERSION}`;
    res.json({ sobjects: `${base}/sobjects`, query: `${base}/query`, queryAll: `${base}/queryAll`, tooling: `${base}/tooling`, limits: `${base}/limits`, composite: `${base}/composite`, jobs: `${base}/jobs`, identity: `${baseUrl()}/id/${state.opts.orgId}/${state.opts.userId}` });
  });
  api.use(limitsRouter(state), queryRouter(state), collectionsRouter(state), toolingRouter(state), bulkRouter(state), sobjectRouter(state));
  app.use(`/services/data/v${API_VERSION}`, api);
  app.use(() => {
    throw notFound();
  });
  app.use(errorHandler);
  return app;
}

/**
 * The Salesforce sandbox's listener (connectors/sandbox-server.ts). Node closes idle keep-alive
 * sockets after 5 s; a client reusing one just as it closes gets ECONNRESET, and jsforce then
 * retries a Bulk PUT with its body stream already spent (an empty upload). Salesforce's edge keeps
 * idle connections far longer; so does the sandbox.
 */
export class SandboxServer extends SandboxListener {
  constructor() {
    super({ label: 'Salesforce', keepAliveTimeoutMs: 120_000 });
  }
}
