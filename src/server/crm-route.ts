/**
 * The `:crm` segment of the HTTP edge (/oauth/:crm/…, /webhooks/:crm; /crm-actions/:crm/… will
 * use it too): the registry's connector and its configuration, or a 404 with the error body
 * for a CRM this deployment does not know or is not configured for.
 */
import type { Request } from 'express';
import type { Connector, CrmId } from '../../connectors/connector.ts';
import { connectors } from '../../connectors/index.ts';
import type { CrmConfig } from '../config.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';

export interface CrmRoute {
  crm: CrmId;
  connector: Connector;
  config: CrmConfig;
}

export function crmOf(ctx: AppContext, req: Request): CrmRoute {
  const crm = String(req.params.crm ?? '');
  // Own keys only: `/oauth/constructor/install` must not find Object.prototype's members.
  const connector = Object.hasOwn(connectors, crm) ? connectors[crm as CrmId] : undefined;
  const config = Object.hasOwn(ctx.config.crms, crm) ? ctx.config.crms[crm as CrmId] : undefined;
  if (!connector || !config) {
    throw new HttpError(404, 'NOT_FOUND', `no CRM ${JSON.stringify(crm.slice(0, 40))} is configured here`, [{ path: 'params.crm', message: 'unknown or not configured' }]);
  }
  return { crm: crm as CrmId, connector, config };
}
