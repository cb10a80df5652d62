/**
 * Runs a whole transaction again when PostgreSQL aborted it for a deadlock or a serialization
 * failure. Two ingest batches holding the same ids in crossing order (two import chunks in
 * flight, two API requests) deadlock, and PostgreSQL aborts one of them. That transaction was
 * rolled back whole, so running it again is safe: its rows are then new or duplicates, as they were.
 */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

export async function retryAborted<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      // drizzle wraps driver errors: the code is on `cause`.
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (attempt >= attempts || code === undefined || !RETRYABLE.has(code)) throw err;
    }
  }
}
