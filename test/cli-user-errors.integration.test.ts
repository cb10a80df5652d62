// The user-facing error family (src/domain/errors.ts UserFacingError): each error a user can fix
// carries a code, and the CLI prints it as one line with its exit code, told apart by class and
// code rather than by name strings. The Redis, port and store-lock cases run as processes in
// test/config.unit.test.ts, test/cli-serve.integration.test.ts and cli-serve-lock; this adds the
// unreachable PostgreSQL one.
import { afterAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../src/domain/errors.ts';
import { RedisUnavailableError } from '../src/jobs/queues.ts';
import { PortInUseError } from '../src/runtime.ts';
import { StoreUnavailableError } from '../src/store/db.ts';
import { DirLockedError } from '../src/store/dir-lock.ts';
import { runSway, serveEnv, stopAllSway } from './helpers/cli.ts';

afterAll(stopAllSway);

describe('user-facing errors', () => {
  it('each is a UserFacingError with its own code and exit code 1', () => {
    const errors = [
      [new RedisUnavailableError('r'), 'REDIS_UNAVAILABLE'],
      [new StoreUnavailableError('s'), 'STORE_UNAVAILABLE'],
      [new DirLockedError('/tmp/x', { pid: 1, command: 'sway serve', since: '2026-01-01T00:00:00.000Z' }), 'STORE_LOCKED'],
      [new PortInUseError('p'), 'PORT_IN_USE'],
    ] as const;
    for (const [err, code] of errors) {
      expect(err).toBeInstanceOf(UserFacingError);
      expect(err).toMatchObject({ code, exitCode: 1 });
    }
    expect(new Set(errors.map(([e]) => e.name)).size).toBe(errors.length);
  });

  it('`sway serve` with PostgreSQL unreachable: exit code 1 and one line saying what to do, no stack', async () => {
    const r = await runSway(['serve'], serveEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }));
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^sway: PostgreSQL is not reachable at postgres:\/\/.*127\.0\.0\.1:1\/test .*unset DATABASE_URL to use the embedded store$/)]);
  });
});
