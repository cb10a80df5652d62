/**
 * The Salesforce files under `manifests/salesforce` (an SFDX project): sfdx-project.json, one
 * CustomField file per catalogue field and object, and the Sway permission set. Pure; the
 * driver is connectors/manifests.ts.
 */
import {
  SALESFORCE_OBJECTS,
  salesforceFieldName,
  salesforceFieldsFor,
  toSalesforceCustomField,
} from './fields.ts';
import { xmlDocument } from './metadata-xml.ts';

/** Salesforce API version of the SFDX project (Winter '27; see CRM-NOTES.md). */
export const SALESFORCE_API_VERSION = '68.0';

const SF_ROOT = 'manifests/salesforce';
const SF_SOURCE = `${SF_ROOT}/force-app/main/default`;

/** Every Salesforce file, keyed by path relative to the repository root. */
export function renderSalesforceManifests(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${SF_ROOT}/sfdx-project.json`, renderSfdxProject());
  for (const objectName of SALESFORCE_OBJECTS) {
    for (const field of salesforceFieldsFor(objectName)) {
      const name = salesforceFieldName(field);
      const { fullName: _qualified, ...rest } = toSalesforceCustomField(field, objectName);
      // SFDX source names the object by directory, so fullName is the bare field name.
      files.set(`${SF_SOURCE}/objects/${objectName}/fields/${name}.field-meta.xml`, xmlDocument('CustomField', { fullName: name, ...rest }));
    }
  }
  files.set(`${SF_SOURCE}/permissionsets/Sway.permissionset-meta.xml`, renderPermissionSet());
  return files;
}

/** No "generated" comment here: JSON has none, and the sf CLI validates this file's keys. */
function renderSfdxProject(): string {
  const body = {
    packageDirectories: [{ path: 'force-app', default: true }],
    name: 'sway',
    namespace: '',
    sfdcLoginUrl: 'https://login.salesforce.com',
    sourceApiVersion: SALESFORCE_API_VERSION,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * Read-only access for every Sway field: Sway writes through the API, reps only read. (The
 * integration user needs edit access from its own profile or permission set.)
 */
function renderPermissionSet(): string {
  const fieldPermissions = SALESFORCE_OBJECTS.flatMap((objectName) =>
    salesforceFieldsFor(objectName).map((f) => `${objectName}.${salesforceFieldName(f)}`),
  )
    .sort()
    .map((field) => ({ editable: false, field, readable: true }));
  return xmlDocument('PermissionSet', {
    description: `Read-only access to the Sway fields on ${SALESFORCE_OBJECTS.join(' and ')}; Sway writes them through the API.`,
    fieldPermissions,
    hasActivationRequired: false,
    label: 'Sway',
  });
}
