// Deals: their built-in property definitions and HubSpot's default "Sales Pipeline".
// dealstage/pipeline options are not stored here: they follow the portal's pipelines, so the
// deal property lookup (state.ts) fills them in from the current pipelines at validation time.
import { builtInProperty, READ_ONLY_VALUE, type PropertyDefinition, type PropertyGroup } from './property-defs.ts';

/** HubSpot's built-in deal property group. */
export const BUILT_IN_DEAL_GROUPS: PropertyGroup[] = [{ name: 'dealinformation', label: 'Deal information', displayOrder: 0, archived: false }];

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  // HubSpot sends both values as strings ("true", "0.2"), as the SDK's Record<string,string> says.
  metadata: { isClosed: 'true' | 'false'; probability: string };
  archived: false;
  createdAt: string;
  updatedAt: string;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  archived: false;
  createdAt: string;
  updatedAt: string;
  stages: PipelineStage[];
}

/** HubSpot's default deal stages: [id, label, win probability]. Closed stages are 1.0 and 0.0. */
const DEFAULT_STAGES: Array<[string, string, number]> = [
  ['appointmentscheduled', 'Appointment Scheduled', 0.2],
  ['qualifiedtobuy', 'Qualified To Buy', 0.4],
  ['presentationscheduled', 'Presentation Scheduled', 0.6],
  ['decisionmakerboughtin', 'Decision Maker Bought-In', 0.8],
  ['contractsent', 'Contract Sent', 0.9],
  ['closedwon', 'Closed Won', 1.0],
  ['closedlost', 'Closed Lost', 0.0],
];

/** "1.0" and "0.0" as HubSpot writes them, other probabilities as plain decimals ("0.2"). */
export const probabilityString = (p: number): string => (Number.isInteger(p) ? p.toFixed(1) : String(p));

export function makeStage(at: string, id: string, label: string, displayOrder: number, probability: number, isClosed: boolean): PipelineStage {
  return {
    id, label, displayOrder,
    metadata: { isClosed: isClosed ? 'true' : 'false', probability: probabilityString(probability) },
    archived: false, createdAt: at, updatedAt: at,
  };
}

export function defaultDealPipeline(at: string): Pipeline {
  return {
    id: 'default', label: 'Sales Pipeline', displayOrder: 0, archived: false, createdAt: at, updatedAt: at,
    stages: DEFAULT_STAGES.map(([id, label, p], i) => makeStage(at, id, label, i, p, id === 'closedwon' || id === 'closedlost')),
  };
}

/** The properties HubSpot returns for deals when a request names none (list and search). */
export const DEFAULT_DEAL_PROPERTIES = ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'];
/** Always returned for deals, whatever properties were asked for. */
export const DEAL_ALWAYS_RETURNED = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'];

export function builtInDealProperties(at: string): PropertyDefinition[] {
  const def = (name: string, label: string, type: PropertyDefinition['type'], fieldType: string, extra: Partial<PropertyDefinition> = {}) =>
    builtInProperty(at, name, label, type, fieldType, { groupName: 'dealinformation', ...extra });
  return [
    def('dealname', 'Deal Name', 'string', 'text'),
    def('amount', 'Amount', 'number', 'number'),
    def('dealstage', 'Deal Stage', 'enumeration', 'radio'),
    def('pipeline', 'Pipeline', 'enumeration', 'select'),
    def('closedate', 'Close Date', 'datetime', 'date'),
    def('createdate', 'Create Date', 'datetime', 'date'),
    def('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', { modificationMetadata: READ_ONLY_VALUE }),
    def('hs_object_id', 'Record ID', 'number', 'number', { modificationMetadata: READ_ONLY_VALUE }),
  ];
}
