// The standard objects and fields the sandbox serves (a subset of each object's real fields,
// with Salesforce's API names, types and key prefixes), the picklists Sway reads with describe
// (Lead Status, Opportunity StageName and the stages' closed/won meaning), and custom fields
// added through the Tooling API (tooling.ts) joining their object's definition.

export type FieldType =
  | 'id' | 'string' | 'email' | 'phone' | 'url' | 'textarea' | 'picklist' | 'reference'
  | 'boolean' | 'double' | 'currency' | 'percent' | 'int' | 'date' | 'datetime';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number; // text types
  precision?: number; // numbers: total digits
  scale?: number; // numbers: digits after the point
  referenceTo?: string[];
  picklist?: PicklistValue[];
  restricted?: boolean; // a restricted picklist refuses other values
  required?: boolean; // on create (nillable false and no default)
  updateable: boolean; // false: system or formula fields
  custom?: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
}

const f = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label: name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/Id$/, 'ID'),
  type,
  updateable: true,
  ...(type === 'string' || type === 'email' || type === 'phone' || type === 'url' ? { length: 255 } : {}),
  ...(type === 'textarea' ? { length: 32_000 } : {}),
  ...extra,
});
const system = (name: string, type: FieldType, extra: Partial<FieldDef> = {}) => f(name, type, { updateable: false, ...extra });
const ref = (name: string, to: string, extra: Partial<FieldDef> = {}) => f(name, 'reference', { referenceTo: [to], length: 18, ...extra });

const common = (self: string): FieldDef[] => [
  system('Id', 'id', { length: 18 }),
  system('IsDeleted', 'boolean'),
  ...(self ? [system('MasterRecordId', 'reference', { referenceTo: [self], length: 18 })] : []),
  system('CreatedDate', 'datetime'),
  system('CreatedById', 'reference', { referenceTo: ['User'] }),
  system('LastModifiedDate', 'datetime'),
  system('LastModifiedById', 'reference', { referenceTo: ['User'] }),
  system('SystemModstamp', 'datetime'),
];

export const picklist = (values: string[], defaultValue?: string): PicklistValue[] =>
  values.map((value) => ({ value, label: value, active: true, defaultValue: value === defaultValue }));

/** Opportunity stages as a new org has them: [value, probability %, closed, won]. */
export const DEFAULT_STAGES: Array<[string, number, boolean, boolean]> = [
  ['Prospecting', 10, false, false], ['Qualification', 10, false, false], ['Needs Analysis', 20, false, false],
  ['Value Proposition', 50, false, false], ['Id. Decision Makers', 60, false, false], ['Perception Analysis', 70, false, false],
  ['Proposal/Price Quote', 75, false, false], ['Negotiation/Review', 90, false, false],
  ['Closed Won', 100, true, true], ['Closed Lost', 0, true, false],
];
export const DEFAULT_LEAD_STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];

export function standardObjects(): ObjectDef[] {
  const person = [
    f('FirstName', 'string', { length: 40 }), f('LastName', 'string', { length: 80, required: true }), system('Name', 'string', { length: 121 }),
    f('Email', 'email', { length: 80 }), f('Phone', 'phone', { length: 40 }), f('Title', 'string', { length: 128 }),
    f('LeadSource', 'picklist', { picklist: picklist(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']) }),
    ref('OwnerId', 'User'), f('Description', 'textarea'),
  ];
  return [
    { name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003', fields: [...common('Contact'), ref('AccountId', 'Account'), ...person] },
    {
      name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q',
      fields: [
        ...common('Lead'), ...person, f('Company', 'string', { required: true }),
        f('Status', 'picklist', { label: 'Lead Status', picklist: picklist(DEFAULT_LEAD_STATUSES, DEFAULT_LEAD_STATUSES[0]), restricted: true }),
        system('IsConverted', 'boolean'), system('ConvertedContactId', 'reference', { referenceTo: ['Contact'] }),
        system('ConvertedAccountId', 'reference', { referenceTo: ['Account'] }), system('ConvertedOpportunityId', 'reference', { referenceTo: ['Opportunity'] }),
      ],
    },
    {
      name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001',
      fields: [...common('Account'), f('Name', 'string', { required: true }), f('Website', 'url'), f('Industry', 'picklist', { picklist: picklist(['Technology', 'Finance', 'Retail', 'Other']) }), ref('OwnerId', 'User')],
    },
    {
      name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006',
      fields: [
        ...common(''), ref('AccountId', 'Account'), f('Name', 'string', { length: 120, required: true }),
        f('StageName', 'picklist', { label: 'Stage', picklist: picklist(DEFAULT_STAGES.map((s) => s[0])), restricted: true, required: true }),
        f('Amount', 'currency', { precision: 18, scale: 2 }), f('CloseDate', 'date', { required: true }), f('Probability', 'percent', { precision: 3, scale: 0 }),
        system('IsClosed', 'boolean'), system('IsWon', 'boolean'), ref('CampaignId', 'Campaign'), ref('OwnerId', 'User'),
      ],
    },
    {
      name: 'OpportunityContactRole', label: 'Opportunity Contact Role', labelPlural: 'Opportunity Contact Role', keyPrefix: '00K',
      fields: [
        ...common(''), ref('OpportunityId', 'Opportunity', { required: true }), ref('ContactId', 'Contact', { required: true }),
        f('Role', 'picklist', { picklist: picklist(['Business User', 'Decision Maker', 'Economic Buyer', 'Economic Decision Maker', 'Evaluator', 'Executive Sponsor', 'Influencer', 'Technical Buyer', 'Other']) }),
        f('IsPrimary', 'boolean'),
      ],
    },
    {
      name: 'PermissionSet', label: 'Permission Set', labelPlural: 'Permission Sets', keyPrefix: '0PS',
      fields: [...common(''), f('Name', 'string', { length: 80, required: true }), f('Label', 'string', { length: 80, required: true }), f('Description', 'string'), system('IsOwnedByProfile', 'boolean'), system('NamespacePrefix', 'string')],
    },
    {
      name: 'FieldPermissions', label: 'Field Permissions', labelPlural: 'Field Permissions', keyPrefix: '01k',
      fields: [
        ...common(''), ref('ParentId', 'PermissionSet', { required: true }), f('SobjectType', 'string', { required: true }),
        f('Field', 'string', { required: true }), f('PermissionsRead', 'boolean'), f('PermissionsEdit', 'boolean'),
      ],
    },
    {
      name: 'PermissionSetAssignment', label: 'Permission Set Assignment', labelPlural: 'Permission Set Assignments', keyPrefix: '0Pa',
      fields: [...common(''), ref('PermissionSetId', 'PermissionSet', { required: true }), ref('AssigneeId', 'User', { required: true })],
    },
  ];
}

/** Objects that take custom fields through the Tooling API. */
export const CUSTOMIZABLE = ['Contact', 'Lead', 'Account', 'Opportunity'];

/** Field lookup is case-insensitive, as in SOQL and REST bodies. */
export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((field) => field.name.toLowerCase() === lower);
}
