/**
 * What a connector declares it does with each neutral object (`Connector.objects`), asked in
 * one place: an object it does not write is a SwayError('UNSUPPORTED') here, before any
 * request, never a silent no-op.
 */
import { SwayError } from '../src/domain/errors.ts';
import type { CrmObject } from '../src/domain/objects.ts';
import type { Connector } from './connector.ts';

/** The write batch maximum the connector declares for `object`; throws when it does not write it. */
export function writeBatchMaxFor(connector: Pick<Connector, 'id' | 'objects'>, object: CrmObject): number {
  const max = connector.objects[object]?.writeBatchMax;
  if (max === undefined) throw new SwayError('UNSUPPORTED', `the ${connector.id} connector does not write ${object} records`);
  return max;
}

