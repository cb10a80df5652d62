/**
 * Benjamini–Hochberg false-discovery-rate control across a campaign's influencers: testing ten
 * influencers at 5% each finds a "winner" by luck 40% of the time; BH keeps the expected share of
 * false winners among those declared at q. (Benjamini & Hochberg 1995; the adjusted p-values are
 * R's p.adjust(method = "BH") and scipy.stats.false_discovery_control.)
 */

/** BH-adjusted p-values (q-values), in the input order: min over j ≥ rank of p_(j)·m/j, capped at 1. */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const { p, i } = order[r]!;
    running = Math.min(running, (p * m) / (r + 1));
    adjusted[i] = running;
  }
  return adjusted;
}

/** Which hypotheses BH rejects at false discovery rate q. */
export function bhDiscoveries(pValues: number[], q = 0.05): boolean[] {
  return benjaminiHochberg(pValues).map((a) => a <= q);
}
