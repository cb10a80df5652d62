/**
 * ln(n) for a positive integer n, correctly rounded to the nearest double.
 *
 * score.py orders control candidates by Python's math.log (glibc's log, which rounds these
 * correctly) and breaks near-ties with `x - a <= b - x`: whenever a·b = x² (counts 3, 6, 12)
 * the two sides are equal in exact arithmetic and the last bit of each logarithm decides.
 * V8's Math.log is off by one ulp for ~1% of integers (ln 3 among them), which picks a
 * different control, so this recomputes the logarithm in 160-bit fixed point with BigInt and
 * takes whichever of Math.log(n) and its two neighbours is nearest. (glibc is itself half an ulp
 * off for a handful of integers — 9,170 is the first — far above any endorsement count in the kit.)
 */
const BITS = 160n;

/** atanh(num/den) · 2^BITS for 0 ≤ num/den ≤ 1/3 (series Σ t^(2k+1)/(2k+1)). */
function atanhFixed(num: bigint, den: bigint): bigint {
  let power = (num << BITS) / den;
  const n2 = num * num;
  const d2 = den * den;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * n2) / d2;
  }
  return sum;
}

const LN2 = 2n * atanhFixed(1n, 3n);

function lnFixed(n: number): bigint {
  const big = BigInt(n);
  const k = big.toString(2).length - 1;
  const p = 1n << BigInt(k);
  // n = 2^k · m with m in [1, 2): ln m = 2 atanh((m − 1)/(m + 1)) = 2 atanh((n − 2^k)/(n + 2^k)).
  return BigInt(k) * LN2 + 2n * atanhFixed(big - p, big + p);
}

const view = new DataView(new ArrayBuffer(8));

/** A positive finite double as an exact fixed-point value · 2^BITS. */
function toFixed(y: number): bigint {
  view.setFloat64(0, y);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const shift = BigInt((exp === 0 ? 1 : exp) - 1075) + BITS;
  return shift >= 0n ? mant << shift : mant >> -shift;
}

function neighbour(y: number, up: boolean): number {
  view.setFloat64(0, y);
  view.setBigUint64(0, view.getBigUint64(0) + (up ? 1n : -1n));
  return view.getFloat64(0);
}

const memo = new Map<number, number>();

export function exactLog(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`exactLog: a positive integer, got ${n}`);
  if (n === 1) return 0;
  const cached = memo.get(n);
  if (cached !== undefined) return cached;
  const target = lnFixed(n);
  const y = Math.log(n);
  let best = y;
  let bestErr = -1n;
  for (const c of [neighbour(y, false), y, neighbour(y, true)]) {
    const d = toFixed(c) - target;
    const err = d < 0n ? -d : d;
    if (bestErr < 0n || err < bestErr) {
      best = c;
      bestErr = err;
    }
  }
  memo.set(n, best);
  return best;
}
