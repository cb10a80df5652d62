/**
 * Python's `random.Random(seed_string)` — MT19937 seeded the way CPython seeds from a str — with
 * the few methods the Epinions kit's scripts use (`choice`, `sample`). The kit's score.py draws
 * each match's untied control with `random.Random(f'0:{u}:{v}').choice(...)` and baselines.py
 * draws `random` with `random.Random(f'0:{u}').sample(...)`; replicating them draw for draw is
 * what lets the TypeScript metrics agree with score.py exactly (../shared is not in the repo:
 * the kit's README and scripts are referenced from eval/realdata.ts).
 *
 * CPython (Lib/random.py, Modules/_randommodule.c, version-2 seeding): a str seed becomes the
 * integer int.from_bytes(s.encode() + sha512(s.encode()).digest(), 'big'), split into 32-bit
 * words least-significant first and fed to MT19937's init_by_array. getrandbits(k ≤ 32) is the
 * next 32-bit output shifted right by 32 − k; randbelow(n) draws getrandbits(n.bit_length())
 * until the value is below n.
 */
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: string) {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    this.initByArray(wordsLittleEndian(all));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: Uint32Array): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** The next 32-bit output (genrand_uint32). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k) for 1 ≤ k ≤ 32. */
  getrandbits(k: number): number {
    if (k < 1 || k > 32) throw new RangeError('getrandbits: 1 ≤ k ≤ 32 here');
    return this.nextUint32() >>> (32 - k);
  }

  /** random._randbelow(n), 0 < n < 2^32. */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** random.choice(seq). */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError('choice from an empty sequence');
    return seq[this.randbelow(seq.length)]!;
  }

  /** random.sample(population, k): both of CPython's algorithms (pool swap for small populations, rejection set otherwise). */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (k < 0 || k > n) throw new RangeError('sample larger than population or is negative');
    const result: T[] = new Array(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = population.slice();
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j]!;
      }
    }
    return result;
  }
}

/** The big-endian integer in `bytes` as 32-bit words, least significant first, without leading zero words ([0] for zero). */
function wordsLittleEndian(bytes: Buffer): Uint32Array {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const len = bytes.length - start;
  const words = new Uint32Array(Math.max(1, Math.ceil(len / 4)));
  for (let w = 0; w < words.length; w++) {
    let v = 0;
    for (let b = 3; b >= 0; b--) {
      const idx = bytes.length - 1 - (w * 4 + b);
      v = (v << 8) | (idx >= start ? bytes[idx]! : 0);
    }
    words[w] = v >>> 0;
  }
  return words;
}
