// Tooling API custom fields: POST /tooling/sobjects/CustomField {FullName: 'Contact.X__c',
// Metadata: {label, type, ...}} adds the field to its object (re-creating one is
// DUPLICATE_DEVELOPER_NAME), GET /tooling/sobjects/CustomField/:id reads it back. A new field is
// not readable or writable by the API user until a FieldPermissions row grants it (state.ts
// canAccess), as field-level security works in an org.
import { type Request, type Response, Router } from 'express';
import { notFound, restError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { CUSTOMIZABLE, type FieldDef, type FieldType, findField } from './schema.ts';
import type { SandboxState } from './state.ts';

type Meta = Record<string, unknown>;
const integrity = (message: string) => restError(400, 'FIELD_INTEGRITY_EXCEPTION', message);
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : fallback);

const SIMPLE: Record<string, FieldType> = {
  Checkbox: 'boolean', Date: 'date', DateTime: 'datetime', Email: 'email', Url: 'url', Phone: 'phone',
};

/** The field definition a CustomField's Metadata describes, or a FIELD_INTEGRITY_EXCEPTION. */
function fieldFromMetadata(name: string, meta: Meta): FieldDef {
  const label = meta.label;
  if (typeof label !== 'string' || label.trim() === '') throw restError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Label]', ['Label']);
  const base = { name, label, updateable: true, custom: true };
  const type = String(meta.type ?? '');
  if (SIMPLE[type]) return { ...base, type: SIMPLE[type]!, ...(['Email', 'Url', 'Phone'].includes(type) ? { length: 255 } : {}) };
  if (type === 'Text' || type === 'LongTextArea') {
    const length = num(meta.length, -1);
    const max = type === 'Text' ? 255 : 131_072;
    if (length < 1 || length > max) throw integrity(`Length: the length must be between 1 and ${max}`);
    return { ...base, type: type === 'Text' ? 'string' : 'textarea', length };
  }
  if (type === 'Number' || type === 'Percent' || type === 'Currency') {
    const precision = num(meta.precision, -1);
    const scale = num(meta.scale, 0);
    if (precision < 1 || precision > 18 || scale < 0 || scale > precision) throw integrity('Precision: the precision must be between 1 and 18 and at least the scale');
    return { ...base, type: type === 'Number' ? 'double' : type === 'Percent' ? 'percent' : 'currency', precision, scale };
  }
  if (type === 'Picklist') {
    const valueSet = meta.valueSet as { restricted?: boolean; valueSetDefinition?: { value?: Array<{ fullName?: string; label?: string; default?: boolean }> } } | undefined;
    const values = valueSet?.valueSetDefinition?.value ?? [];
    if (values.length === 0 || values.some((v) => typeof v.fullName !== 'string' || v.fullName === '')) throw integrity('Values: a picklist needs at least one value, each with a fullName');
    const picklist = values.map((v) => ({ value: v.fullName!, label: v.label ?? v.fullName!, active: true, defaultValue: v.default === true }));
    return { ...base, type: 'picklist', picklist, restricted: valueSet?.restricted === true };
  }
  throw integrity(`Type: bad value for restricted picklist field: ${type || '(missing)'}`);
}

export function toolingRouter(state: SandboxState): Router {
  const router = Router();

  router.post('/tooling/sobjects/CustomField', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { FullName?: unknown; Metadata?: unknown };
    const match = typeof body.FullName === 'string' ? /^(\w+)\.([A-Za-z][A-Za-z0-9_]*?)__c$/.exec(body.FullName) : null;
    if (!match) throw integrity(`FullName: expected 'Object.Field__c', got ${String(body.FullName)}`);
    const object = state.object(match[1]!);
    if (!object || !CUSTOMIZABLE.includes(object.name)) throw restError(400, 'INVALID_TYPE', `Cannot add custom fields to ${match[1]}`);
    if (typeof body.Metadata !== 'object' || body.Metadata === null) throw restError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Metadata]', ['Metadata']);
    const developerName = match[2]!;
    if (/__|_$/.test(developerName)) throw integrity('Field Name: can only contain underscores and alphanumeric characters, must not end with an underscore or contain two consecutive underscores');
    if (findField(object, `${developerName}__c`)) {
      throw restError(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a field named ${developerName} on ${object.name}.`);
    }
    const field = fieldFromMetadata(`${developerName}__c`, body.Metadata as Meta);
    object.fields.push(field);
    const id = state.nextId('00N');
    state.customFields.push({ id, object: object.name, developerName, metadata: structuredClone(body.Metadata as Meta), createdAt: state.now() });
    res.status(201).json({ id, success: true, errors: [], warnings: [], infos: [] });
  });

  router.get('/tooling/sobjects/CustomField/:id', (req: Request, res: Response) => {
    const id = normalizeId(String(req.params.id));
    const found = state.customFields.find((c) => c.id === id);
    if (!found) throw notFound();
    res.json({
      attributes: { type: 'CustomField', url: `${req.baseUrl}/tooling/sobjects/CustomField/${found.id}` },
      Id: found.id, DeveloperName: found.developerName, TableEnumOrId: found.object, NamespacePrefix: null,
      FullName: `${found.object}.${found.developerName}__c`, Metadata: found.metadata,
    });
  });
  return router;
}
