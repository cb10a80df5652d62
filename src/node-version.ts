/**
 * Sway runs on Node 22 or newer (package.json `engines`; under npm scripts the `node`
 * devDependency provides it, whatever the machine's own Node is). bin/sway.js checks before
 * it loads the CLI, so `node bin/sway.js` on an older system Node stops with one line instead
 * of failing somewhere inside a dependency that needs Node 22.
 */
import { readFileSync } from 'node:fs';

/** What is wrong with running on `version` given `engines` (">=MAJOR.MINOR"), or undefined. */
export function nodeVersionProblem(version: string, engines: string): string | undefined {
  const need = /^>=(\d+)\.(\d+)$/.exec(engines.trim());
  if (!need) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR", not "${engines}"`);
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [needMajor, needMinor] = [Number(need[1]), Number(need[2])];
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `Node ${version.replace(/^v/, '')} is older than Sway needs (${engines}): run it through npm (npm run sway -- …), which uses the node devDependency that npm ci installs`;
}

export function requiredNode(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  return pkg.engines.node;
}

/** For bin/sway.js: one line on stderr and exit 1 on an unsupported Node. */
export function exitUnlessSupportedNode(): void {
  const problem = nodeVersionProblem(process.versions.node, requiredNode());
  if (problem === undefined) return;
  process.stderr.write(`sway: ${problem}\n`);
  process.exit(1);
}
