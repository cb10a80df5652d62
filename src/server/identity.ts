/**
 * Identity resolution for the caller's installation (API key):
 * - GET /api/v1/identity/conflicts — evidence that links nothing because it disagrees (a
 *   handle on several records, a record whose email and handle name different people…),
 *   computed now from the store (src/domain/link-rules.ts): `{ count, truncated, conflicts }`,
 *   at most MAX_CONFLICTS_LISTED listed, in record order;
 * - GET /api/v1/links/contact/:crmId — the contact's current link (or null);
 * - PUT /api/v1/links/contact/:crmId `{ "person": "<id>" }` — an explicit link (method
 *   `manual`): it replaces the contact's link and automatic relinking keeps it;
 * - DELETE /api/v1/links/contact/:crmId — removes a manual link; the automatic rules (email,
 *   then handle) apply to the contact again at the next relink, which is queued. To keep a
 *   contact away from the person the rules pick, link it by hand to the right person instead.
 *
 * Links and unlinks queue a score job (relink, then push the contact's new values). Another
 * installation's records and people are 404s, as unknown ones are.
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { formatIssues, isWellFormedText, LIMITS, LONE_SURROGATE_MESSAGE } from '../domain/signals.ts';
import { enqueue } from '../jobs/queues.ts';
import { identityConflicts } from '../store/crm-records.ts';
import { resolvePerson } from '../store/people.ts';
import { crmRecordExists, currentLink, removeManualLink, setManualLink } from '../store/person-links.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';

/** A person id as the signals API takes it. PostgreSQL text cannot hold NUL, so no id has one; nor a lone surrogate. */
export const PersonIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.id)
  .refine((s) => !s.includes('\u0000'), 'Must not contain NUL characters')
  .refine(isWellFormedText, LONE_SURROGATE_MESSAGE);

const LinkBody = z.strictObject({ person: PersonIdSchema });

/** Conflicts listed in one answer (`count` is always the total; `truncated` says when more exist). */
export const MAX_CONFLICTS_LISTED = 1000;

/** Bodies are small: an id or a list of ids. */
export const SMALL_BODY = '64kb';

/** A path parameter that cannot name a stored row (too long, or a NUL) is simply not found. */
export function pathId(req: Request, name: string): string | null {
  const v = String(req.params[name] ?? '');
  return v.length === 0 || v.length > LIMITS.id || v.includes('\u0000') || !isWellFormedText(v) ? null : v;
}

/** 400 with every problem by path, as the signals API reports them. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, code: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error);
    throw new HttpError(400, code, `the request body was rejected: ${issues.length} problem(s)`, issues);
  }
  return parsed.data;
}

export function identityRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = apiKeyAuth(ctx.db);
  const json = express.json({ limit: SMALL_BODY });
  const installation = (res: express.Response) => res.locals.installationId as string;

  router.get('/api/v1/identity/conflicts', auth, async (_req, res) => {
    const conflicts = await identityConflicts(ctx.db, installation(res));
    res.json({ count: conflicts.length, truncated: conflicts.length > MAX_CONFLICTS_LISTED, conflicts: conflicts.slice(0, MAX_CONFLICTS_LISTED) });
  });

  /** The contact, or a 404 naming what is missing. */
  const contact = async (req: Request, installationId: string): Promise<string> => {
    const crmId = pathId(req, 'crmId');
    if (crmId === null || !(await crmRecordExists(ctx.db, installationId, 'contact', crmId))) {
      throw new HttpError(404, 'NOT_FOUND', `no contact ${JSON.stringify(req.params.crmId)} has been pulled for this installation`);
    }
    return crmId;
  };

  router.get('/api/v1/links/contact/:crmId', auth, async (req, res) => {
    const installationId = installation(res);
    const crmId = await contact(req, installationId);
    res.json({ objectType: 'contact', crmId, link: await currentLink(ctx.db, installationId, 'contact', crmId) });
  });

  router.put('/api/v1/links/contact/:crmId', auth, json, async (req, res) => {
    const installationId = installation(res);
    const body = parseBody(LinkBody, req.body, 'INVALID_LINK');
    const crmId = await contact(req, installationId);
    const person = await resolvePerson(ctx.db, installationId, body.person);
    if (!person) throw new HttpError(404, 'NOT_FOUND', `no person ${JSON.stringify(body.person)} in this installation`);
    await setManualLink(ctx.db, installationId, 'contact', crmId, person.id);
    const scoreJobId = await enqueue(ctx.queues, 'score', installationId, `link-${randomUUID()}`);
    res.json({ objectType: 'contact', crmId, person: person.externalId, method: 'manual', scoreJobId });
  });

  router.delete('/api/v1/links/contact/:crmId', auth, async (req, res) => {
    const installationId = installation(res);
    const crmId = await contact(req, installationId);
    if (!(await removeManualLink(ctx.db, installationId, 'contact', crmId))) {
      throw new HttpError(404, 'NOT_FOUND', `contact ${JSON.stringify(crmId)} has no manual link (automatic links are not removed by hand)`);
    }
    await enqueue(ctx.queues, 'score', installationId, `unlink-${randomUUID()}`);
    res.status(204).end();
  });

  return router;
}
