/**
 * The match snapshot: GlobalSignals as one binary blob (a JSON header, then the typed arrays),
 * stored per installation after a full run so incremental runs and partitions reuse PageRank
 * instead of recomputing it. ~1M people × 20 topics is ~45 MB. Pure.
 */
import { Codes, type GlobalSignals } from './signals.ts';

/** Version 2 adds the conversation levels (spoke, endorsed); a version-1 snapshot reads as none (a full run rebuilds it). */
const MAGIC = 'SWAYSNAP2';

interface Header {
  magic: string;
  n: number;
  topics: string[];
  codes: { industry: string[]; region: string[]; companySize: string[] };
  topicLeaders: number[][];
  advocateLeaders: [number, number[]][];
  /** Byte lengths of the arrays that follow, in order. */
  arrays: number[];
}

export function encodeSnapshot(g: GlobalSignals): Buffer {
  const arrays = [g.ids, g.reach, g.advocacy, g.industry, g.region, g.companySize, g.said, g.pageRankTopics, g.customer, g.sentiment, ...g.authority, ...g.spoke, ...g.endorsed];
  const header: Header = {
    magic: MAGIC,
    n: g.n,
    topics: g.topics,
    codes: { industry: g.codes.industry.names, region: g.codes.region.names, companySize: g.codes.companySize.names },
    topicLeaders: g.topicLeaders.map((l) => [...l]),
    advocateLeaders: [...g.advocateLeaders].map(([k, v]) => [k, [...v]]),
    arrays: arrays.map((a) => a.byteLength),
  };
  const head = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  // Pad so every array starts on an 8-byte boundary (typed arrays need aligned offsets).
  const parts: Buffer[] = [len, head];
  let at = 4 + head.length;
  for (const a of arrays) {
    const pad = (8 - (at % 8)) % 8;
    if (pad) parts.push(Buffer.alloc(pad));
    at += pad;
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    at += a.byteLength;
  }
  return Buffer.concat(parts);
}

function readHeader(buf: Buffer): { header: Header; headLen: number } {
  const headLen = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + headLen).toString('utf8')) as Header;
  if (header.magic !== MAGIC) throw new Error('not a Sway match snapshot');
  return { header, headLen };
}

/** Whether the blob is a snapshot this version reads (an older one is rebuilt by the next full run). */
export function isCurrentSnapshot(buf: Buffer): boolean {
  try {
    return readHeader(buf).header.magic === MAGIC;
  } catch {
    return false;
  }
}

/** How many people the snapshot ranked, without decoding its arrays. */
export function snapshotPeople(buf: Buffer): number {
  return readHeader(buf).header.n;
}

export function decodeSnapshot(buf: Buffer): GlobalSignals {
  const { header, headLen } = readHeader(buf);
  // Copy into a fresh aligned buffer: the driver's Buffer may sit at any offset of a pool.
  const body = new ArrayBuffer(buf.length);
  new Uint8Array(body).set(buf);
  let at = 4 + headLen;
  const next = <T>(make: (b: ArrayBuffer, offset: number, length: number) => T, bytesPer: number): T => {
    at += (8 - (at % 8)) % 8;
    const bytes = header.arrays.shift()!;
    const out = make(body, at, bytes / bytesPer);
    at += bytes;
    return out;
  };
  const f64 = (b: ArrayBuffer, o: number, l: number) => new Float64Array(b, o, l);
  const f32 = (b: ArrayBuffer, o: number, l: number) => new Float32Array(b, o, l);
  const i32 = (b: ArrayBuffer, o: number, l: number) => new Int32Array(b, o, l);
  const u8 = (b: ArrayBuffer, o: number, l: number) => new Uint8Array(b, o, l);
  const ids = next(f64, 8);
  const reach = next(f32, 4);
  const advocacy = next(f32, 4);
  const industry = next(i32, 4);
  const region = next(i32, 4);
  const companySize = next(i32, 4);
  const said = next(u8, 1);
  const pageRankTopics = next((b, o, l) => new Uint32Array(b, o, l), 4);
  const customer = next(u8, 1);
  const sentiment = next(f32, 4);
  const authority = header.topics.map(() => next(u8, 1));
  const spoke = header.topics.map(() => next(u8, 1));
  const endorsed = header.topics.map(() => next(u8, 1));
  return {
    n: header.n,
    ids,
    topics: header.topics,
    authority,
    spoke,
    endorsed,
    said,
    pageRankTopics,
    customer,
    sentiment,
    reach,
    advocacy,
    industry,
    region,
    companySize,
    codes: { industry: new Codes(header.codes.industry), region: new Codes(header.codes.region), companySize: new Codes(header.codes.companySize) },
    topicLeaders: header.topicLeaders.map((l) => Int32Array.from(l)),
    advocateLeaders: new Map(header.advocateLeaders.map(([k, v]) => [k, Int32Array.from(v)])),
  };
}

/**
 * Signals with room for `extra` people who joined after the snapshot (new prospects and
 * contacts): they get no authority, reach or advocacy until the next full run.
 */
export function withExtraPeople(g: GlobalSignals, extraIds: readonly number[]): GlobalSignals {
  if (extraIds.length === 0) return g;
  const n = g.n + extraIds.length;
  const grow = <T extends Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array>(a: T, fill: number): T => {
    const b = new (a.constructor as new (len: number) => T)(n);
    b.set(a);
    b.fill(fill, g.n);
    return b;
  };
  const ids = grow(g.ids, 0);
  extraIds.forEach((id, k) => (ids[g.n + k] = id));
  return {
    ...g,
    n,
    ids,
    reach: grow(g.reach, 0),
    advocacy: grow(g.advocacy, 0),
    industry: grow(g.industry, -1),
    region: grow(g.region, -1),
    companySize: grow(g.companySize, -1),
    authority: g.authority.map((a) => grow(a, 0)),
    spoke: g.spoke.map((a) => grow(a, 0)),
    endorsed: g.endorsed.map((a) => grow(a, 0)),
    said: grow(g.said, 0),
    pageRankTopics: grow(g.pageRankTopics, 0),
    customer: grow(g.customer, 0),
    sentiment: grow(g.sentiment, Number.NaN),
  };
}
