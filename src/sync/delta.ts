/**
 * Delta computation (pure, for records of any object): which properties of which records
 * differ from what was last pushed (src/store/pushed-values.ts, per object). A record whose
 * properties all match is skipped; otherwise only its changed properties are sent, which keeps
 * batches small and the CRM's history clean.
 */

/** A record's CRM id and the vendor properties Sway wants it to hold (Connector.vendorProperties). */
export interface DesiredRecord {
  id: string;
  properties: Record<string, string>;
}

export function changedProperties(desired: Record<string, string>, pushed: Record<string, string> | undefined): Record<string, string> | null {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(desired)) {
    // Never pushed, "" means nothing to clear.
    if (pushed === undefined || !(k in pushed) ? v !== '' : pushed[k] !== v) {
      out[k] = v;
      n++;
    }
  }
  return n > 0 ? out : null;
}

export function planDelta(desired: DesiredRecord[], pushed: Map<string, Record<string, string>>): { changes: DesiredRecord[]; unchanged: number } {
  const changes: DesiredRecord[] = [];
  for (const d of desired) {
    const props = changedProperties(d.properties, pushed.get(d.id));
    if (props) changes.push({ id: d.id, properties: props });
  }
  return { changes, unchanged: desired.length - changes.length };
}
