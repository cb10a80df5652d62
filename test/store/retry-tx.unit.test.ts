/**
 * An ingest transaction aborted by a deadlock (two batches in flight holding the same ids) runs
 * again; any other failure is not retried, and a deadlock that keeps coming gives up after 3 tries.
 */
import { describe, expect, it } from 'vitest';
import { retryAborted } from '../../src/store/retry-tx.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
// drizzle wraps driver errors: the code is on `cause`.
const wrapped = (code: string) => Object.assign(new Error('Failed query'), { cause: pgError(code) });

function failing(errors: Error[], value = 'stored') {
  let calls = 0;
  const store = async () => {
    calls++;
    const err = errors.shift();
    if (err) throw err;
    return value;
  };
  return { store, calls: () => calls };
}

describe('retryAborted', () => {
  it('stores again after a deadlock or a serialization failure, raw or wrapped', async () => {
    const f = failing([pgError('40P01'), wrapped('40001')]);
    await expect(retryAborted(f.store)).resolves.toBe('stored');
    expect(f.calls()).toBe(3);
  });

  it('does not retry other failures', async () => {
    const f = failing([wrapped('23505')]);
    await expect(retryAborted(f.store)).rejects.toThrow('Failed query');
    expect(f.calls()).toBe(1);
  });

  it('gives up after three deadlocks', async () => {
    const f = failing([pgError('40P01'), pgError('40P01'), pgError('40P01'), pgError('40P01')]);
    await expect(retryAborted(f.store)).rejects.toThrow('pg 40P01');
    expect(f.calls()).toBe(3);
  });
});
