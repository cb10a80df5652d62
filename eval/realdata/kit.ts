/**
 * The Epinions kit (../shared/realdata/epinions/data; its README gives the files and rules):
 * gzipped or plain CSV files with a header row, read the way the kit's score.py reads them
 * (FILE.csv, else FILE.csv.gz; gzip detected by content).
 *
 * A matcher may read people, trust, reviews_train, prospects and categories; `truth` is the
 * answer key and is loaded only by the scorer (loadTruth).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

export interface Prospect {
  user: number;
  stage: string;
  mainCategory: number;
}

export interface Kit {
  dir: string;
  /** Person id → trust in-degree (people.csv: every person the kit knows). */
  inDegree: Map<number, number>;
  /** Trust edges, truster → trustee (the trustee can influence the truster). */
  truster: Int32Array;
  trustee: Int32Array;
  /** reviews_train rows, in file order. */
  reviews: { user: Int32Array; item: Int32Array; category: Int32Array; rating: Uint8Array };
  prospects: Prospect[];
  /** Category id → name. */
  categories: Map<number, string>;
}

/** Thrown when the data directory or one of its files is missing or malformed: the eval prints it as one line. */
export class KitError extends Error {
  override name = 'KitError';
}

const FILES = ['people', 'trust', 'reviews_train', 'prospects', 'categories'] as const;

function filePath(dir: string, name: string): string {
  const plain = join(dir, `${name}.csv`);
  if (existsSync(plain)) return plain;
  if (existsSync(`${plain}.gz`)) return `${plain}.gz`;
  throw new KitError(`${dir}: no ${name}.csv or ${name}.csv.gz (is --data the kit's data/ directory?)`);
}

/** The rows of DIR/NAME.csv(.gz) as arrays of cells, header checked and dropped. */
export function readTable(dir: string, name: string, columns: readonly string[]): string[][] {
  const path = filePath(dir, name);
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  const rows = parse(buf, { relax_column_count: false }) as string[][];
  const header = rows.shift() ?? [];
  for (const c of columns) {
    if (!header.includes(c)) throw new KitError(`${path}: no column "${c}" (header: ${header.join(',')})`);
  }
  const idx = columns.map((c) => header.indexOf(c));
  return rows.map((r) => idx.map((i) => r[i]!));
}

function int(s: string, where: string): number {
  const v = Number(s);
  if (!Number.isInteger(v)) throw new KitError(`${where}: not a whole number: ${JSON.stringify(s)}`);
  return v;
}

export function loadKit(dir: string): Kit {
  if (!existsSync(dir)) throw new KitError(`no data directory ${dir} (give --data DIR: the Epinions kit's data/, see ../shared/realdata/epinions/README.md)`);
  for (const f of FILES) filePath(dir, f);
  const inDegree = new Map<number, number>();
  for (const [id, d] of readTable(dir, 'people', ['id', 'trust_in_degree'])) inDegree.set(int(id!, 'people.id'), int(d!, 'people.trust_in_degree'));
  const trust = readTable(dir, 'trust', ['truster', 'trustee']);
  const truster = new Int32Array(trust.length);
  const trustee = new Int32Array(trust.length);
  trust.forEach(([a, b], k) => {
    truster[k] = int(a!, 'trust.truster');
    trustee[k] = int(b!, 'trust.trustee');
  });
  const rv = readTable(dir, 'reviews_train', ['user', 'item', 'category', 'rating']);
  const reviews = { user: new Int32Array(rv.length), item: new Int32Array(rv.length), category: new Int32Array(rv.length), rating: new Uint8Array(rv.length) };
  rv.forEach(([u, i, c, r], k) => {
    reviews.user[k] = int(u!, 'reviews_train.user');
    reviews.item[k] = int(i!, 'reviews_train.item');
    reviews.category[k] = int(c!, 'reviews_train.category');
    reviews.rating[k] = int(r!, 'reviews_train.rating');
  });
  const prospects = readTable(dir, 'prospects', ['user', 'derived_stage', 'main_category']).map(([u, s, c]) => ({
    user: int(u!, 'prospects.user'),
    stage: s!,
    mainCategory: int(c!, 'prospects.main_category'),
  }));
  const categories = new Map(readTable(dir, 'categories', ['id', 'name']).map(([id, name]) => [int(id!, 'categories.id'), name!] as const));
  return { dir, inDegree, truster, trustee, reviews, prospects, categories };
}

/** truth.csv: each prospect's held-out items (the answer key; the scorer's only). */
export function loadTruth(dir: string): Map<number, Set<number>> {
  const truth = new Map<number, Set<number>>();
  for (const [u, i] of readTable(dir, 'truth', ['user', 'item'])) {
    const user = int(u!, 'truth.user');
    let s = truth.get(user);
    if (!s) truth.set(user, (s = new Set()));
    s.add(int(i!, 'truth.item'));
  }
  return truth;
}
