/**
 * The core is CRM-neutral (issue 12): outside connectors/, src/demo and the per-CRM block of
 * src/config.ts, no source file names HubSpot, the HubSpot properties Sway uses or HubSpot's
 * lifecycle stage values. Vendor knowledge belongs in connectors/<crm>/ (connectors/connector.ts).
 *
 * What counts as a hit (see `forbiddenHits`):
 * - `hubspot` in any case, anywhere (identifiers, comments, strings, SQL);
 * - HubSpot property names, as whole words and case-sensitive (HubSpot's internal names are
 *   lower case; the neutral `lifecycleStage` of CrmContact is not one): the properties Sway
 *   reads, any `hs_*` name, and every catalogue field's `sway_*` property name;
 * - HubSpot stage values: the compound ones anywhere; those that are also English words
 *   (customer, lead, …) only as a code string literal ('customer' or `customer`) or as a key
 *   mapped onto a canonical stage (`customer: 'purchase'`), since prose may say "a customer",
 *   and never where the literal is one of Sway's own neutral names (the object 'lead', the
 *   network 'other').
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hubspotPropertyName } from '../../connectors/hubspot/properties.ts';
import { HUBSPOT_LIFECYCLE_STAGE_DEFAULTS } from '../../connectors/hubspot/stages.ts';
import { FIELD_CATALOGUE } from '../../src/domain/fields.ts';
import { NETWORKS } from '../../src/domain/identity.ts';
import { CRM_OBJECTS } from '../../src/domain/objects.ts';
import { CANONICAL_STAGES } from '../../src/domain/stages.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Files owned by other work in flight that still name HubSpot (issue 12 items 1–3 and 5–6).
 * Each entry goes when its owner's branch is merged; the second test fails on an entry whose
 * file no longer needs it, so the list can only shrink.
 */
const ALLOWED: Readonly<Record<string, string>> = {
};

const CONFIG_BEGIN = '// --- per-CRM configuration: begin';
const CONFIG_END = '// --- per-CRM configuration: end';

/** HubSpot properties Sway reads or documents, besides the catalogue's own. */
const HUBSPOT_PROPERTIES = ['lifecyclestage', 'lastmodifieddate', 'numemployees', 'twitterhandle', 'dealstage', 'closedate'];
/** Stage values that are ordinary words too: flagged only as code literals or stage-map keys. */
const STAGE_WORDS = new Set(['subscriber', 'lead', 'opportunity', 'customer', 'evangelist', 'other']);
/** Sway's own neutral names: a literal equal to one of them is not a HubSpot stage value. */
const NEUTRAL_NAMES = new Set<string>([...CRM_OBJECTS, ...NETWORKS, ...CANONICAL_STAGES]);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const words = (list: readonly string[]) => list.map(escape).join('|');

const stageValues = Object.keys(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS);
const compoundStages = stageValues.filter((v) => !STAGE_WORDS.has(v));
const propertyNames = [...HUBSPOT_PROPERTIES, ...FIELD_CATALOGUE.map(hubspotPropertyName)];
const canonical = words(CANONICAL_STAGES);

const RULES: readonly { what: string; re: RegExp; unless?: (match: RegExpExecArray) => boolean }[] = [
  { what: 'names HubSpot', re: /hubspot/gi },
  { what: 'names a HubSpot property', re: new RegExp(`\\b(?:${words(propertyNames)})\\b|\\bhs_[a-z0-9_]+`, 'g') },
  { what: 'names a HubSpot stage value', re: new RegExp(`\\b(?:${words(compoundStages)})\\b`, 'gi') },
  {
    what: 'uses a HubSpot stage value as a literal',
    re: new RegExp(`(['\`])(${words([...STAGE_WORDS])})\\1`, 'g'),
    unless: (m) => NEUTRAL_NAMES.has(m[2]!),
  },
  {
    what: 'maps a HubSpot stage value',
    re: new RegExp(`\\b(?:${words([...STAGE_WORDS])})['"]?\\s*:\\s*['"](?:${canonical})['"]`, 'g'),
  },
];

interface Hit {
  line: number;
  what: string;
  text: string;
}

/** Pure: the forbidden names in one file's text (`path` repo-relative, '/'-separated). */
function forbiddenHits(path: string, text: string): Hit[] {
  const hits: Hit[] = [];
  let inCrmBlock = false;
  text.split('\n').forEach((line, i) => {
    if (path === 'src/config.ts') {
      if (line.includes(CONFIG_BEGIN)) inCrmBlock = true;
      if (line.includes(CONFIG_END)) inCrmBlock = false;
      if (inCrmBlock) return;
    }
    for (const rule of RULES) {
      for (const m of line.matchAll(rule.re)) {
        if (rule.unless?.(m as RegExpExecArray)) continue;
        hits.push({ line: i + 1, what: rule.what, text: m[0] });
      }
    }
  });
  return hits;
}

/** Every file under src/ except src/demo/**, repo-relative and '/'-separated. */
function coreFiles(): string[] {
  return readdirSync(join(repoRoot, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => !p.startsWith('src/demo/'))
    .sort();
}

const hitsByFile = new Map(coreFiles().map((p) => [p, forbiddenHits(p, readFileSync(join(repoRoot, p), 'utf8'))]));

describe('the core outside connectors/ is CRM-neutral', () => {
  it('no file under src/ (but src/demo) names HubSpot, its properties or its stage values', () => {
    expect(hitsByFile.size).toBeGreaterThan(50); // the walk found the source tree
    const report = [...hitsByFile]
      .filter(([path]) => !Object.hasOwn(ALLOWED, path))
      .flatMap(([path, hits]) => hits.map((h) => `${path}:${h.line}: ${h.what} (${h.text})`));
    expect(report, 'vendor knowledge belongs in connectors/<crm>/ (connectors/connector.ts)').toEqual([]);
  });

  it('allows only files that still need it', () => {
    const stale = Object.entries(ALLOWED)
      .filter(([path]) => (hitsByFile.get(path) ?? []).length === 0)
      .map(([path, owner]) => `${path} (${owner}): no hits left, remove it from ALLOWED`);
    expect(stale).toEqual([]);
  });
});

describe('forbiddenHits (the scanner itself)', () => {
  it('finds each kind of HubSpot name and says where', () => {
    const text = [
      '// ok: a neutral line',
      'const x = 1; // HubSpot rolls its window',
      "const p = ['email', 'lifecyclestage'];",
      `const f = '${hubspotPropertyName(FIELD_CATALOGUE[0]!)}';`,
      "read('hs_lastmodifieddate');",
      '/* marketingqualifiedlead → consideration */',
      "if (stage === 'customer') return;",
      "const map = { evangelist: 'advocacy' };",
    ].join('\n');
    expect(forbiddenHits('src/x.ts', text).map((h) => `${h.line}: ${h.what}`)).toEqual([
      '2: names HubSpot',
      '3: names a HubSpot property',
      '4: names a HubSpot property',
      '5: names a HubSpot property',
      '6: names a HubSpot stage value',
      '7: uses a HubSpot stage value as a literal',
      '8: maps a HubSpot stage value',
    ]);
  });

  it('leaves neutral names and prose alone', () => {
    const text = [
      "const objects = ['contact', 'lead'];",
      "const networks = ['x', 'other'];",
      'c.lifecycleStage; // the CRM stage of a customer, e.g. "customer"',
      "const who = 'an evangelist in the CRM';",
      "db.query('SAVEPOINT sway_copy'); // not a catalogue property",
    ].join('\n');
    expect(forbiddenHits('src/x.ts', text)).toEqual([]);
  });

  it('skips the per-CRM block of src/config.ts, and only there', () => {
    const text = ['const a = 1;', CONFIG_BEGIN, "HUBSPOT_CLIENT_ID: z.string(), // HubSpot's app id", CONFIG_END, '// HubSpot again'].join('\n');
    expect(forbiddenHits('src/config.ts', text).map((h) => h.line)).toEqual([5]);
    expect(forbiddenHits('src/other.ts', text).map((h) => h.line)).toEqual([3, 3, 5]);
  });
});
