import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIELD_CATALOGUE, getField } from '../../src/domain/fields.ts';
import { renderManifests } from '../../connectors/manifests.ts';
import { salesforceFieldName, salesforceObjectsOf, toSalesforceCustomField } from '../../connectors/salesforce/fields.ts';
import { hubspotFieldsFor } from '../../connectors/hubspot/properties.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REGENERATE = 'regenerate with: npx tsx scripts/generate-manifests.ts';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(repoRoot, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

describe('generated manifests', () => {
  const rendered = renderManifests();

  it('are exactly the files under manifests/ (none missing, none extra)', async () => {
    expect(await filesUnder('manifests'), REGENERATE).toEqual([...rendered.keys()].sort());
  });

  it('match the files on disk byte for byte', async () => {
    for (const [path, content] of rendered) {
      expect(await readFile(join(repoRoot, path), 'utf8'), `${path}: ${REGENERATE}`).toBe(content);
    }
  });

  it('render the same output every time', () => {
    expect([...renderManifests()]).toEqual([...rendered]);
  });

  it('contain one field file per field and object, and the permission set covers them all', () => {
    const fieldFiles = [...rendered.keys()].filter((p) => p.endsWith('.field-meta.xml'));
    expect(fieldFiles).toHaveLength(FIELD_CATALOGUE.reduce((n, f) => n + salesforceObjectsOf(f).length, 0));
    const permissionSet = rendered.get('manifests/salesforce/force-app/main/default/permissionsets/Sway.permissionset-meta.xml');
    expect(permissionSet).toBeDefined();
    for (const f of FIELD_CATALOGUE) {
      for (const objectName of salesforceObjectsOf(f)) {
        expect(permissionSet).toContain(
          `<editable>false</editable>\n        <field>${objectName}.${salesforceFieldName(f)}</field>\n        <readable>true</readable>`,
        );
      }
    }
    expect(permissionSet).toContain('<label>Sway</label>');
  });

  it('mark every file as generated', () => {
    for (const [path, content] of rendered) {
      if (path.endsWith('.xml')) {
        expect(content.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- generated from src/domain/fields.ts')).toBe(true);
      }
    }
    const hubspot = JSON.parse(rendered.get('manifests/hubspot/properties.json')!);
    expect(hubspot.$comment).toContain('do not edit');
    expect(hubspot.properties.contacts).toHaveLength(hubspotFieldsFor('contacts').length);
    expect(hubspot.properties.deals.map((p: { name: string }) => p.name)).toEqual(['sway_influencing_campaign']);
    expect(hubspot.group).toEqual({ name: 'sway', label: 'Sway', displayOrder: -1 });
  });

  it('declare the SFDX project on API 68.0', () => {
    const project = JSON.parse(rendered.get('manifests/salesforce/sfdx-project.json')!);
    expect(project.sourceApiVersion).toBe('68.0');
    expect(project.packageDirectories).toEqual([{ path: 'force-app', default: true }]);
  });
});

describe('toSalesforceCustomField', () => {
  it('maps numbers with precision and scale', () => {
    expect(toSalesforceCustomField(getField('brandSentiment'), 'Lead')).toMatchObject({
      fullName: 'Lead.Sway_Brand_Sentiment__c',
      type: 'Number',
      precision: 3,
      scale: 2,
      required: false,
      externalId: false,
    });
  });

  it('maps text, long text, picklist, date-time and checkbox as Salesforce expects', () => {
    expect(toSalesforceCustomField(getField('topTopics'), 'Contact')).toMatchObject({ type: 'Text', length: 255 });
    const longText = toSalesforceCustomField(getField('matchReason'), 'Contact');
    expect(longText).toMatchObject({ type: 'LongTextArea', length: 32768, visibleLines: 5 });
    expect(longText).not.toHaveProperty('required');
    const picklist = toSalesforceCustomField(getField('stage'), 'Contact');
    expect(picklist.valueSet?.restricted).toBe(true);
    expect(picklist.valueSet?.valueSetDefinition.value[0]).toEqual({ fullName: 'awareness', default: false, label: 'Awareness' });
    expect(toSalesforceCustomField(getField('matchedAt'), 'Contact')).toMatchObject({ type: 'DateTime', required: false });
    const checkbox = toSalesforceCustomField(getField('advocate'), 'Contact');
    expect(checkbox).toMatchObject({ type: 'Checkbox', defaultValue: 'false' });
    expect(checkbox).not.toHaveProperty('required');
  });
});
