// Issue 12 item 8: the tests, their children and every npm script run on the Node that the
// `node` devDependency pins, whatever Node the machine has; bin/sway.js refuses an older one.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, requiredNode } from '../src/node-version.ts';

const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
const PINNED = `v${pkg.devDependencies.node}`;
const BIN = join(ROOT, 'node_modules', '.bin');
const PATH_DIRS = (process.env.PATH ?? '').split(delimiter);

/** The first `node` on PATH outside node_modules/.bin: the machine's own, if it has one. */
function systemNode(): string | undefined {
  for (const dir of PATH_DIRS.filter((d) => d && !d.includes('node_modules'))) {
    try {
      accessSync(join(dir, 'node'), constants.X_OK);
      return join(dir, 'node');
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
const system = systemNode();
const systemVersion = system ? execFileSync(system, ['--version'], { encoding: 'utf8' }).trim() : undefined;
const systemTooOld = systemVersion !== undefined && nodeVersionProblem(systemVersion, pkg.engines.node) !== undefined;

describe('Node runtime', () => {
  it('pins the node devDependency exactly, to a version engines accepts', () => {
    expect(pkg.devDependencies.node).toMatch(/^22\.\d+\.\d+$/);
    expect(nodeVersionProblem(PINNED, pkg.engines.node)).toBeUndefined();
    expect(requiredNode()).toBe(pkg.engines.node);
  });

  it('runs the tests and the children they spawn (process.execPath) on the pinned Node', () => {
    expect(process.version).toBe(PINNED);
    expect(execFileSync(process.execPath, ['--version'], { encoding: 'utf8' }).trim()).toBe(PINNED);
  });

  // npm run / npm test / npx put node_modules/.bin first on PATH: a bare `node` there is the pin.
  it.runIf(PATH_DIRS[0] === BIN)('resolves a bare `node` on an npm script PATH to the pinned Node', () => {
    expect(execFileSync('node', ['--version'], { encoding: 'utf8' }).trim()).toBe(PINNED);
  });

  it('accepts and refuses versions against engines', () => {
    expect(nodeVersionProblem('22.19.0', '>=22.19')).toBeUndefined();
    expect(nodeVersionProblem('v24.1.0', '>=22.19')).toBeUndefined();
    expect(nodeVersionProblem('22.18.9', '>=22.19')).toMatch(/^Node 22\.18\.9 is older than Sway needs \(>=22\.19\)/);
    expect(nodeVersionProblem('v20.20.2', '>=22.19')).toMatch(/npm run sway/);
    expect(() => nodeVersionProblem('22.23.3', '^22')).toThrow(/engines\.node/);
  });

  // Only where the machine's own Node is older (Node 20 on the machines here).
  it.runIf(systemTooOld)('bin/sway.js on the older system Node exits 1 with one line', () => {
    const run = spawnSync(system!, [join(ROOT, 'bin', 'sway.js'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^sway: Node \d+\.\d+\.\d+ is older than Sway needs/)]);
  });
});
