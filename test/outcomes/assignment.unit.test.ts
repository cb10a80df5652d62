import { describe, expect, it } from 'vitest';
import { assignArm, assignmentDraw, randomisationUnit } from '../../src/outcomes/assignment.ts';
import { chiSquareUpper } from '../../src/outcomes/distributions.ts';
import { near } from './near.ts';

describe('assignment', () => {
  it('draws the documented hash: first 52 bits of SHA-256(campaign NUL unit) / 2^52', () => {
    // python3 test/outcomes/reference-values.py ("draws"), with hashlib.
    near(assignmentDraw('cmp_1', 'account:42'), 0.055880219586685875);
    near(assignmentDraw('cmp_1', 'contact:7'), 0.33680558961183293);
    near(assignmentDraw('cmp_1', 'account:acme-corp'), 0.7994156137926687);
  });

  it('randomises the account when known, else the contact, so colleagues share an arm', () => {
    expect(randomisationUnit({ contactId: 'c1', accountId: 'a9' })).toBe('account:a9');
    expect(randomisationUnit({ contactId: 'c2', accountId: 'a9' })).toBe('account:a9');
    expect(randomisationUnit({ contactId: 'c1', accountId: null })).toBe('contact:c1');
    expect(randomisationUnit({ contactId: 'c1', accountId: '  ' })).toBe('contact:c1');
    expect(() => randomisationUnit({ contactId: ' ' })).toThrow(RangeError);
  });

  it('is deterministic and depends on the campaign', () => {
    const units = Array.from({ length: 2000 }, (_, i) => `contact:${i}`);
    const a = units.map((u) => assignArm('cmp_A', u, 0.5));
    expect(units.map((u) => assignArm('cmp_A', u, 0.5))).toEqual(a);
    const b = units.map((u) => assignArm('cmp_B', u, 0.5));
    const agree = a.filter((x, i) => x === b[i]).length / units.length;
    // Independent campaigns agree about half the time, not always.
    expect(agree).toBeGreaterThan(0.45);
    expect(agree).toBeLessThan(0.55);
  });

  it('holds out the designed share and is uniform', () => {
    const n = 40_000;
    let control = 0;
    const buckets = new Array<number>(20).fill(0);
    for (let i = 0; i < n; i++) {
      const key = `account:${i}`;
      if (assignArm('cmp_split', key, 0.2) === 'control') control++;
      buckets[Math.floor(assignmentDraw('cmp_split', key) * 20)]!++;
    }
    // 0.2 ± 4 standard errors (sd of the share = sqrt(0.2·0.8/n) = 0.002).
    expect(Math.abs(control / n - 0.2)).toBeLessThan(4 * Math.sqrt(0.16 / n));
    const chi = buckets.reduce((a, o) => a + (o - n / 20) ** 2 / (n / 20), 0);
    expect(chiSquareUpper(chi, 19)).toBeGreaterThan(0.001);
  });

  it('refuses a holdout share outside (0, 1)', () => {
    expect(() => assignArm('c', 'contact:1', 0)).toThrow(RangeError);
    expect(() => assignArm('c', 'contact:1', 1)).toThrow(RangeError);
    expect(() => assignArm('c', 'contact:1', Number.NaN)).toThrow(RangeError);
  });
});
