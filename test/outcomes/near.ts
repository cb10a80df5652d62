import { expect } from 'vitest';

/** a equals the reference b to 1e-9, absolute for |b| ≤ 1 and relative beyond (p-values of 1e-19, revenue sums of 1e10). */
export function near(a: number, b: number, tol = 1e-9): void {
  expect(Number.isFinite(a), `${a} is finite`).toBe(true);
  expect(Math.abs(a - b), `${a} vs reference ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}

/** Relative to b (for tiny p-values). */
export function nearRel(a: number, b: number, tol = 1e-9): void {
  expect(Math.abs(a - b), `${a} vs reference ${b}`).toBeLessThanOrEqual(tol * Math.abs(b));
}
