/**
 * The neutral object model: the kinds of CRM record Sway reads or writes, named the same for
 * every CRM. Each connector maps them onto its own objects (e.g. Salesforce
 * Contact/Lead/Account/Opportunity/Campaign/CampaignMember) and declares which it
 * supports (connectors/connector.ts).
 */
export const CRM_OBJECTS = ['contact', 'lead', 'company', 'deal', 'campaign', 'campaignMember'] as const;
export type CrmObject = (typeof CRM_OBJECTS)[number];
