// Validation of property values sent to the CRM object endpoints. HubSpot rejects the whole
// request with one 400 that lists every bad value; the body below mirrors captured responses:
//   message: 'Property values were not valid: [{"isValid":false,"message":…,"error":"PROPERTY_DOESNT_EXIST",
//            "name":…,"localizedErrorMessage":…,"portalId":…}]'
//   errors:  [{message, code:'PROPERTY_DOESNT_EXIST', context:{propertyName:[name]}}]
import { type ErrorDetail, validationError } from './errors.ts';
import type { PropertyDefinition } from './property-defs.ts';

interface ValueProblem {
  error: string;
  message: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^-?\d+$/;

function optionProblem(def: PropertyDefinition, value: string): ValueProblem | null {
  const allowed = def.options.map((o) => o.value);
  // Multi-select checkboxes carry several values separated by ';'.
  const parts = def.fieldType === 'checkbox' ? value.split(';') : [value];
  const bad = parts.find((p) => !allowed.includes(p));
  if (bad === undefined) return null;
  return { error: 'INVALID_OPTION', message: `${bad} was not one of the allowed options: [${allowed.join(', ')}]` };
}

/** One value against its definition; "" always passes because it clears the property. */
function problemWith(def: PropertyDefinition, value: string): ValueProblem | null {
  if (def.modificationMetadata.readOnlyValue) {
    return { error: 'READ_ONLY_VALUE', message: `Property "${def.name}" is read-only` };
  }
  if (value === '') return null;
  switch (def.type) {
    case 'number':
      return value.trim() === value && Number.isFinite(Number(value))
        ? null
        : { error: 'INVALID_LONG', message: `${value} was not a valid long.` };
    case 'bool':
    case 'enumeration':
      return optionProblem(def, value);
    case 'date':
      return ISO_DATE.test(value) || (DIGITS.test(value) && Number(value) % 86_400_000 === 0)
        ? null
        : { error: 'INVALID_DATE', message: `${value} is not a valid date: use YYYY-MM-DD or midnight UTC in epoch milliseconds.` };
    case 'datetime':
      return DIGITS.test(value) || !Number.isNaN(Date.parse(value))
        ? null
        : { error: 'INVALID_DATETIME', message: `${value} is not a valid datetime: use ISO 8601 or epoch milliseconds.` };
    default:
      return null;
  }
}

/** How HubSpot stores a value: emails lower-cased, dates and datetimes in their ISO forms. */
function normalize(def: PropertyDefinition, value: string): string {
  if (value === '') return value;
  if (def.name === 'email') return value.trim().toLowerCase();
  if (def.type === 'datetime' && DIGITS.test(value)) return new Date(Number(value)).toISOString();
  if (def.type === 'datetime') return new Date(Date.parse(value)).toISOString();
  if (def.type === 'date' && DIGITS.test(value)) return new Date(Number(value)).toISOString().slice(0, 10);
  return value;
}

/**
 * Checks the `properties` of every input of one request. Throws one 400 listing every problem;
 * otherwise returns the normalised values, one map per input, in input order.
 */
export function validatePropertyInputs(
  inputs: unknown[],
  lookup: (name: string) => PropertyDefinition | undefined,
  portalId: number,
): Array<Record<string, string>> {
  const results: object[] = [];
  const details: ErrorDetail[] = [];
  const normalized = inputs.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw validationError(`Invalid input JSON: 'properties' of input ${index} must be an object.`);
    }
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
      // HubSpot's API contract is string values ("5", "true", ""); Sway must never send others.
      if (typeof value !== 'string') {
        throw validationError(
          `Invalid input JSON: the value of property '${name}' (input ${index}) must be a string, got ${value === null ? 'null' : typeof value}.`,
          { errors: [{ message: `Property values must be strings`, code: 'INVALID_STRING', context: { propertyName: [name] } }] },
        );
      }
      const def = lookup(name);
      const problem = def ? problemWith(def, value) : { error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` };
      if (problem) {
        results.push({ isValid: false, message: problem.message, error: problem.error, name, localizedErrorMessage: problem.message, portalId });
        details.push({ message: problem.message, code: problem.error, context: { propertyName: [name] } });
        continue;
      }
      out[name] = normalize(def!, value);
    }
    return out;
  });
  if (details.length > 0) {
    throw validationError(`Property values were not valid: ${JSON.stringify(results)}`, { errors: details });
  }
  return normalized;
}
