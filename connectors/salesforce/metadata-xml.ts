/**
 * Minimal XML writer for Metadata API documents: nested objects become elements, arrays
 * repeat their element, in key order, with the 4-space indent Salesforce tools use.
 */
import { GENERATED_NOTE } from '../../src/domain/fields.ts';

type XmlValue = string | number | boolean | XmlObject | readonly XmlValue[];
interface XmlObject {
  readonly [key: string]: XmlValue | undefined;
}

/** A whole document with the "generated" note, e.g. `xmlDocument('CustomField', {...})`. */
export function xmlDocument(root: string, body: object): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${GENERATED_NOTE} -->`,
    `<${root} xmlns="http://soap.sforce.com/2006/04/metadata">`,
    ...xmlChildren(body as XmlObject, 1),
    `</${root}>`,
    '',
  ].join('\n');
}

function xmlChildren(obj: XmlObject, depth: number): string[] {
  return Object.entries(obj).flatMap(([name, value]) => (value === undefined ? [] : xmlElement(name, value, depth)));
}

function xmlElement(name: string, value: XmlValue, depth: number): string[] {
  if (Array.isArray(value)) return value.flatMap((item: XmlValue) => xmlElement(name, item, depth));
  const pad = '    '.repeat(depth);
  if (typeof value === 'object') {
    return [`${pad}<${name}>`, ...xmlChildren(value as XmlObject, depth + 1), `${pad}</${name}>`];
  }
  return [`${pad}<${name}>${escapeXml(String(value))}</${name}>`];
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
