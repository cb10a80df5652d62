import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSway, startSway, stopAllSway } from './helpers/cli.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sway-demo-serve-'));
});
afterAll(async () => {
  await stopAllSway();
  rmSync(tmp, { recursive: true, force: true });
});

describe('sway demo --serve', () => {
  it('prints the installation id, the API key and next steps that work; a second demo is refused before touching its store', async () => {
    // The demo keeps its store in <dirname(PGLITE_DIR)>/demo (src/demo/run-demo.ts).
    const env = { PGLITE_DIR: join(tmp, 'pglite'), PORT: '0', LOG_LEVEL: 'silent' };
    const demo = startSway(['demo', '--contacts', '20', '--serve'], env);
    try {
      await demo.waitForOutput(/next steps:[\s\S]*allows one process/, 'the demo to print its next steps');
      const out = demo.output();
      const [, installationId] = /installation id +([0-9a-f-]{36})/.exec(out)!;
      const [, apiKey] = /API key +(\S+)/.exec(out)!;
      const [, runsUrl] = /curl -H "Authorization: Bearer \$SWAY_API_KEY" (http:\/\/127\.0\.0\.1:\d+\/api\/v1\/runs)/.exec(out)!;
      expect(installationId).toBeDefined();
      expect(out).toContain(`export SWAY_API_KEY=${apiKey}`);
      const runs = await fetch(runsUrl!, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(runs.status).toBe(200);
      expect(JSON.stringify(await runs.json())).toContain('push');

      const second = await runSway(['demo', '--contacts', '20'], env);
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^sway: the embedded store in .*demo is in use by process ${demo.pid} \\(sway demo --contacts 20 --serve, since `))]);
      expect(existsSync(join(tmp, 'demo', 'PG_VERSION'))).toBe(true); // not deleted under the running demo
      expect((await fetch(runsUrl!, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(200);

      expect(await demo.stop('SIGTERM')).toBe(0);
      expect(existsSync(join(tmp, 'demo.lock'))).toBe(false);
    } finally {
      await demo.stop('SIGKILL');
    }
  });
});
