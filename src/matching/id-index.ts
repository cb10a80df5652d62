/**
 * Store id (people.id) → dense index 0..n-1. People ids are serial, so an installation's ids
 * mostly fill a narrow range: a typed array over [min, max] answers in one load, where a Map
 * of 1M entries costs ~0.6 s to build and a hash per lookup (10M edges look up two each).
 * Ids outside the range, or a range too sparse to be worth it, fall back to a Map. Pure.
 */
export class IdIndex {
  private readonly lo: number;
  private readonly dense: Int32Array;
  private readonly extra = new Map<number, number>();

  constructor(ids: ArrayLike<number>) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < lo) lo = id;
      if (id > hi) hi = id;
    }
    const span = ids.length > 0 ? hi - lo + 1 : 0;
    const dense = span > 0 && span <= 4 * ids.length + 1024;
    this.lo = dense ? lo : 0;
    this.dense = new Int32Array(dense ? span : 0).fill(-1);
    for (let i = 0; i < ids.length; i++) this.set(ids[i]!, i);
  }

  set(id: number, index: number): void {
    const k = id - this.lo;
    if (k >= 0 && k < this.dense.length) this.dense[k] = index;
    else this.extra.set(id, index);
  }

  /** The index of `id`, or -1. */
  get(id: number): number {
    const k = id - this.lo;
    if (k >= 0 && k < this.dense.length) return this.dense[k]!;
    return this.extra.get(id) ?? -1;
  }

  has(id: number): boolean {
    return this.get(id) >= 0;
  }
}
