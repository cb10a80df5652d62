/**
 * Writes the generated manifests (connectors/manifests.ts) under manifests/, or checks them.
 *
 *   npx tsx scripts/generate-manifests.ts            write every file; report files under
 *                                                    manifests/ that are not generated
 *   npx tsx scripts/generate-manifests.ts --prune    also delete those extra files
 *   npx tsx scripts/generate-manifests.ts --check    write nothing; exit 1 listing files that
 *                                                    differ, are missing, or are extra
 *
 * Extra files are only deleted on request: manifests/ may one day hold hand-written files,
 * and deleting someone's work by default would be a poor trade for tidiness.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderManifests } from '../connectors/manifests.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestsDir = join(repoRoot, 'manifests');

/** Repo-relative, '/'-separated paths of every file under manifests/. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(manifestsDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

async function readOrNull(path: string): Promise<string | null> {
  return readFile(join(repoRoot, path), 'utf8').catch(() => null);
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const prune = argv.includes('--prune');
  const expected = renderManifests();
  const extra = (await filesOnDisk()).filter((p) => !expected.has(p));

  if (check) {
    const problems: string[] = [];
    for (const [path, content] of expected) {
      const actual = await readOrNull(path);
      if (actual === null) problems.push(`missing: ${path}`);
      else if (actual !== content) problems.push(`differs: ${path}`);
    }
    problems.push(...extra.map((p) => `extra:   ${p}`));
    if (problems.length > 0) {
      console.error(`manifests are out of date (run: npx tsx scripts/generate-manifests.ts):\n  ${problems.join('\n  ')}`);
      return 1;
    }
    console.log(`manifests are up to date (${expected.size} files)`);
    return 0;
  }

  let written = 0;
  for (const [path, content] of expected) {
    if ((await readOrNull(path)) === content) continue;
    await mkdir(dirname(join(repoRoot, path)), { recursive: true });
    await writeFile(join(repoRoot, path), content);
    written += 1;
  }
  for (const path of extra) {
    if (prune) await rm(join(repoRoot, path));
    else console.warn(`not generated (kept; --prune deletes): ${path}`);
  }
  console.log(`manifests: ${written} written, ${expected.size - written} unchanged${prune ? `, ${extra.length} pruned` : ''}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
