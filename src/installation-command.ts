/**
 * The shared frame of the store-only commands that act on one installation (`sway keys`,
 * `sway campaigns`): check the ids they were given (exit 2 with one line), open the store,
 * refuse an unknown installation (exit 1), run the command's body, close the store whatever
 * happens. No CRM and no Redis: these commands work with no CRM configured.
 */
import { z } from 'zod';
import { loadConfigOrExit, processEnv } from './config.ts';
import { openStore, type Db } from './store/db.ts';
import { getInstallation } from './store/installations.ts';

/** Opens the store; tests pass one that opens the harness's. */
export type StoreOpener = () => Promise<{ db: Db; close(): Promise<void> }>;

/** The store as `sway serve` would open it, reading no CRM settings. */
export const openStoreFromEnvironment = (env: Record<string, string | undefined> = processEnv()): StoreOpener => async () => {
  const store = await openStore(loadConfigOrExit(env, { crms: 'ignored' }));
  return { db: store.db, close: () => store.close() };
};

const Uuid = z.uuid();

/**
 * Returns `run(ids, installationId, body)`: `ids` are `[flag, value]` pairs that must be uuids
 * (undefined values are skipped); `body`'s result is the exit code.
 */
export function installationRunner(open: StoreOpener, err: (line: string) => void, exit: (code: number) => void) {
  return async (ids: readonly (readonly [string, string | undefined])[], installationId: string, body: (db: Db) => Promise<number>): Promise<void> => {
    for (const [flag, v] of ids) {
      if (v !== undefined && !Uuid.safeParse(v).success) {
        err(`sway: ${flag} must be an id (a uuid), got ${JSON.stringify(v)}`);
        return exit(2);
      }
    }
    const store = await open();
    try {
      if (!(await getInstallation(store.db, installationId))) {
        err(`sway: no installation ${installationId}`);
        return exit(1);
      }
      return exit(await body(store.db));
    } finally {
      await store.close();
    }
  };
}
