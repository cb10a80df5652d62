/**
 * People of the caller's installation (API key):
 * - POST /api/v1/people/merge `{ "into": "<id>", "from": ["<id>", …] }` — the `from` people
 *   are the `into` person: their interactions (both directions), conversations, emails,
 *   handles, CRM links and aliases move onto it in one transaction, their ids become aliases
 *   (later data sent under them lands on the survivor), and they are deleted. Interactions
 *   between the merged people and the survivor would become self-interactions and are
 *   dropped (`interactionsDropped`). 200 with the counts; a score job is queued.
 * - DELETE /api/v1/people/:id — privacy erasure: the person and every row about them
 *   (src/store/privacy.ts purgePerson). CRM records linked to them stay, unlinked. 204; a
 *   score job is queued (others' scores used the erased interactions).
 *
 * Ids are the caller's; an id merged into another person names the survivor (so erasing an
 * old id erases the person it became part of).
 */
import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { enqueue } from '../jobs/queues.ts';
import { resolvePerson } from '../store/people.ts';
import { MAX_MERGE_FROM, MergeRefused, mergePeople } from '../store/person-merge.ts';
import { purgePerson } from '../store/privacy.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';
import { parseBody, pathId, PersonIdSchema, SMALL_BODY } from './identity.ts';

const MergeBody = z
  .strictObject({ into: PersonIdSchema, from: z.array(PersonIdSchema).min(1).max(MAX_MERGE_FROM) })
  .superRefine((b, ctx) => {
    const seen = new Map<string, number>();
    b.from.forEach((id, i) => {
      if (id === b.into) ctx.addIssue({ code: 'custom', path: ['from', i], message: 'Cannot merge a person into itself' });
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['from', i], message: `Duplicate id (first at from.${first})` });
      else seen.set(id, i);
    });
  });

export function peopleRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = apiKeyAuth(ctx.db);

  router.post('/api/v1/people/merge', auth, express.json({ limit: SMALL_BODY }), async (req, res) => {
    const installationId = res.locals.installationId as string;
    const body = parseBody(MergeBody, req.body, 'INVALID_MERGE');
    let result;
    try {
      result = await mergePeople(ctx.db, installationId, body.into, body.from);
    } catch (err) {
      if (err instanceof MergeRefused) {
        if (err.reason === 'unknown') throw new HttpError(404, 'NOT_FOUND', err.message);
        const issues = err.ids.map((id) => ({ path: `from.${body.from.indexOf(id)}`, message: 'Names the person merged into (an alias of it)' }));
        throw new HttpError(400, 'INVALID_MERGE', err.message, issues);
      }
      throw err;
    }
    const scoreJobId = await enqueue(ctx.queues, 'score', installationId, `merge-${randomUUID()}`);
    res.json({ ...result, scoreJobId });
  });

  router.delete('/api/v1/people/:id', auth, async (req, res) => {
    const installationId = res.locals.installationId as string;
    const id = pathId(req, 'id');
    const person = id === null ? null : await resolvePerson(ctx.db, installationId, id);
    if (!person) throw new HttpError(404, 'NOT_FOUND', `no person ${JSON.stringify(req.params.id)} in this installation`);
    const { personDeleted } = await purgePerson(ctx.db, installationId, person.id);
    // Deleted concurrently by another request: the outcome the caller wants, but say so.
    if (!personDeleted) throw new HttpError(404, 'NOT_FOUND', `no person ${JSON.stringify(req.params.id)} in this installation`);
    await enqueue(ctx.queues, 'score', installationId, `erase-${randomUUID()}`);
    res.status(204).end();
  });

  return router;
}
