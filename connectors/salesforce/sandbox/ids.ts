// Salesforce record ids: a 3-character key prefix naming the object, then a pod and counter,
// 15 case-sensitive characters, plus the 3-character case-safe suffix that makes the 18-character
// form (each suffix character encodes which of 5 characters are upper case).
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** The 18-character id for the `n`th record with `prefix` ('003' for Contact). */
export function makeId(prefix: string, n: number): string {
  let counter = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) counter = BASE62[v % 62] + counter;
  const id15 = `${prefix}5g${counter.padStart(10, '0')}`;
  return id15 + caseSafeSuffix(id15);
}

/** 15- or 18-character ids name the same record; undefined when `id` is not shaped like one. */
export function normalizeId(id: string): string | undefined {
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  const full = id15 + caseSafeSuffix(id15);
  return id.length === 18 && id.slice(15).toUpperCase() !== full.slice(15) ? undefined : full;
}
