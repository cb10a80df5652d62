/**
 * mulberry32: a tiny seeded PRNG (uniform in [0, 1)) for reproducible synthetic data — the demo
 * market, the sandbox's injected faults, bench and eval generators. Math.random cannot be
 * seeded, and this needs no dependency. Not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
