/**
 * Settings a HubSpot installation starts with: the default contact properties every portal
 * has for the situational attributes matching compares.
 */
import type { SettingsDefaults } from '../connector.ts';

export const hubspotSettingsDefaults = {
  attributeFields: { industry: 'industry', region: 'country', companySize: 'numemployees' },
  // None by default: every portal has `twitterhandle`, but reading it is the admin's choice
  // (settings.handleFields, e.g. { "x": "twitterhandle" }), and changing the handle fields
  // re-reads every contact.
  handleFields: {},
} satisfies SettingsDefaults;
