/** Intervals for eval:match: the mean over seeds with a two-sided 95% t interval. */

/** Two-sided 95% t quantile for df degrees of freedom. */
export function t975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
  return df <= 0 ? Number.NaN : df <= 30 ? table[df - 1]! : 1.96 + 2.4 / df;
}

export function meanCi(xs: number[]): { mean: number; ci: [number, number] } {
  const k = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, ci: [mean, mean] };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (k - 1));
  const h = (t975(k - 1) * sd) / Math.sqrt(k);
  return { mean, ci: [mean - h, mean + h] };
}
