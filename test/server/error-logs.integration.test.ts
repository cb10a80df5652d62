/**
 * Failed-query log lines carry no emails or ids (issue 10, "also fix"): logs and run history
 * outlive a privacy erasure. A real failing query (a foreign-key violation naming a person's
 * email and id) goes through the server's error handler and a job's run recording; what is
 * logged and stored names the SQLSTATE code and the constraint, never the values.
 */
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRun } from '../../src/jobs/run.ts';
import { createLogger, errorForLog } from '../../src/logger.ts';
import { errorHandler } from '../../src/server/http-errors.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { getRun } from '../../src/store/runs.ts';
import { personEmails } from '../../src/store/schema.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import { dropSchema, testConfig } from '../helpers/harness.ts';

const config = testConfig(null);
let store: Store;
let installationId: string;
beforeAll(async () => {
  store = await openStore(config);
  ({ installation: { id: installationId } } = await saveInstallation(store.db, config.encryptionKey, 'hubspot', { accountId: `logs-${randomUUID()}`, accountDomain: null, scopes: [] }, { accessToken: 'a', refreshToken: 'r', expiresAt: new Date() }));
});
afterAll(async () => {
  await store.close();
  if (config.store.kind === 'pg') await dropSchema(config.store.url, config.store.schema);
});

const EMAIL = 'erased.person@secret.example';
const PERSON_ID = 987_654_321;
/** Fails: no person 987654321 (foreign key), with the email and id as parameters. */
const failingQuery = () => store.db.insert(personEmails).values({ installationId, email: EMAIL, personId: PERSON_ID });

function capture() {
  const lines: string[] = [];
  const dest = new Writable({ write: (chunk, _enc, cb) => void (lines.push(String(chunk)), cb()) });
  return { logger: createLogger('debug', dest), lines };
}

describe('failed queries in logs', () => {
  it('errorForLog keeps the code and constraint of a failed query, not its parameters', async () => {
    const err = await failingQuery().then(() => null, (e: unknown) => e);
    expect(String((err as Error).message)).toContain(EMAIL); // what used to be logged
    const logged = JSON.stringify(errorForLog(err));
    expect(logged).not.toContain(EMAIL);
    expect(logged).not.toContain(String(PERSON_ID));
    expect(errorForLog(err)).toMatchObject({ code: '23503', constraint: expect.stringContaining('person') });
    expect(errorForLog(new Error('HubSpot answered 400'))).toEqual({ message: 'HubSpot answered 400' });
  });

  it("the server's error handler and a failed job's log line and run history leave them out", async () => {
    const { logger, lines } = capture();
    const app = express();
    app.get('/boom', async () => {
      await failingQuery();
    });
    app.use(errorHandler(logger));
    const server = app.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/boom`);
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain(EMAIL);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const jobId = `job-${randomUUID()}`;
    await expect(recordRun({ db: store.db, logger } as never, 'score', installationId, jobId, async () => {
      await failingQuery();
      return { counts: {} };
    })).rejects.toThrow();
    expect(lines.length).toBe(2);
    for (const line of lines) {
      expect(line).not.toContain(EMAIL);
      expect(line).not.toContain(String(PERSON_ID));
      expect(line).toContain('23503');
    }
    const { rows } = (await store.db.execute(`SELECT id FROM runs WHERE job_id = '${jobId}'`)) as unknown as { rows: { id: string }[] };
    const run = await getRun(store.db, installationId, rows[0]!.id);
    expect(JSON.stringify(run!.errors)).not.toContain(EMAIL);
    expect(run!.errors[0]!.message).toContain('23503');
  });
});
