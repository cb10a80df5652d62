/**
 * The relational schema, shared by PostgreSQL and PGlite. Migrations under ./migrations are
 * generated from this file with `npm run db:generate` (drizzle-kit) and applied at start.
 *
 * Every tenant-owned table carries installation_id so each query can be scoped to one
 * installation, and rows go away with it (ON DELETE CASCADE).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  customType,
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** bytea as a Buffer (drizzle has no built-in bytea column). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const installations = pgTable(
  'installations',
  {
    id: uuid('id').primaryKey(),
    crm: text('crm').notNull(),
    /** The CRM account: its portal, hub or org id, as the connector reads it (AccountInfo.accountId). */
    accountId: text('account_id').notNull(),
    accountDomain: text('account_domain'),
    /**
     * The account's API host (connectors/connector.ts AccountInfo.apiBaseUrl): every session of
     * the installation calls it. Null on rows from before migration 0012 until the next start
     * fills in the configured host (fillApiBaseUrls in installations.ts), and on rows made
     * without the install flow (tests, benchmarks): sessions then use the configured host.
     */
    apiBaseUrl: text('api_base_url'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    /** AES-256-GCM sealed (see secret-box.ts), installation id bound as associated data. */
    accessTokenSealed: text('access_token_sealed').notNull(),
    refreshTokenSealed: text('refresh_token_sealed').notNull(),
    accessExpiresAt: ts('access_expires_at').notNull(),
    status: text('status').notNull().default('active'),
    /** Per-installation settings (stage mapping overrides, rate budget share…); see src/sync/settings.ts. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Bumped by every erasure or merge of this installation's people. Ingest reads it under a
     * row lock, which orders it against those (see person-id-cache.ts), and keeps cached person
     * ids only while it is unchanged.
     */
    peopleEpoch: bigint('people_epoch', { mode: 'number' }).notNull().default(0),
    installedAt: ts('installed_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('installations_crm_account').on(t.crm, t.accountId)],
);

/** OAuth `state` values: single use, short lived (see oauth-states.ts). */
export const oauthStates = pgTable('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  crm: text('crm').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
});

/** Ingest API keys: only a SHA-256 of the key is kept; the key itself is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash').on(t.keyHash)],
);

export const people = pgTable(
  'people',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    name: text('name'),
    audienceSize: bigint('audience_size', { mode: 'number' }),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    /** Situational attributes for matching (industry, region, company size band); a linked CRM record's values win. */
    industry: text('industry'),
    region: text('region'),
    companySize: text('company_size'),
    providerScores: jsonb('provider_scores').$type<{ provider: string; score: number; min: number; max: number }[]>().notNull().default([]),
    /** Computed by the score job (src/jobs/score.ts); null until first scored. */
    metrics: jsonb('metrics').$type<PersonMetrics>(),
    scoredAt: ts('scored_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('people_installation_external').on(t.installationId, t.externalId)],
);

export interface PersonMetrics {
  influenceScore: number;
  topTopics: string[];
  brandSentiment: number | null;
  conversations30d: number;
  lastConversationAt: string | null;
  advocate: boolean;
}

export const personEmails = pgTable(
  'person_emails',
  {
    installationId: uuid('installation_id').notNull(),
    email: text('email').notNull(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.email] }), index('person_emails_person').on(t.personId)],
);

export const personHandles = pgTable(
  'person_handles',
  {
    installationId: uuid('installation_id').notNull(),
    network: text('network').notNull(),
    handle: text('handle').notNull(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.network, t.handle] }),
    index('person_handles_person').on(t.personId),
  ],
);

export const interactions = pgTable(
  'interactions',
  {
    // No surrogate id: (installation_id, external_id) is the key (migration 0010). A bigserial
    // id cost every inserted row a sequence step and a fourth B-tree insert (~1 µs of ~11).
    // No foreign keys here on purpose: FK checks are per-row triggers and made bulk ingest 3×
    // slower (28k vs 89k rows/s by COPY, bench:ingest). Deleting a person or an installation
    // still removes their interactions, through the statement triggers of migration 0005.
    installationId: uuid('installation_id').notNull(),
    externalId: text('external_id').notNull(),
    fromPersonId: bigint('from_person_id', { mode: 'number' }).notNull(),
    toPersonId: bigint('to_person_id', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    sentiment: real('sentiment'),
    occurredAt: ts('occurred_at').notNull(),
    /** When Sway stored it: the incremental match job recomputes prospects with newer rows. */
    ingestedAt: ts('ingested_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'interactions_pkey', columns: [t.installationId, t.externalId] }),
    index('interactions_to').on(t.toPersonId),
    // Migration 0009 makes this index cover to_person_id, kind and occurred_at (INCLUDE).
    index('interactions_from').on(t.fromPersonId),
    // Incremental match runs ask for interactions stored since the last full run: rows arrive in
    // ingested_at order, so a BRIN index (a few pages, next to nothing per insert) skips the rest.
    index('interactions_ingested_brin').using('brin', t.ingestedAt),
  ],
);

/** CRM records Sway has read (pull job): what linking and pushing need, nothing more. */
export const crmRecords = pgTable(
  'crm_records',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    crmId: text('crm_id').notNull(),
    email: text('email'),
    lifecycleStage: text('lifecycle_stage'),
    /** Social handles read from CRM fields the admin named (settings.handleFields): network → handle. */
    handles: jsonb('handles').$type<Record<string, string>>().notNull().default({}),
    /** Situational attributes read from the CRM record, for matching (see src/matching). */
    industry: text('industry'),
    region: text('region'),
    companySize: text('company_size'),
    /** The CRM's own last-modified time (CrmContact.modifiedAt), for incremental pulls. */
    crmModifiedAt: ts('crm_modified_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.objectType, t.crmId] }),
    index('crm_records_email').on(t.installationId, t.email),
  ],
);

/** Deals / opportunities: purchase history and conversions. */
export const crmDeals = pgTable(
  'crm_deals',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    crmId: text('crm_id').notNull(),
    pipeline: text('pipeline'),
    stage: text('stage'),
    amount: doublePrecision('amount'),
    closeDate: ts('close_date'),
    closedWon: boolean('closed_won').notNull().default(false),
    contactIds: text('contact_ids').array().notNull().default(sql`'{}'::text[]`),
    crmModifiedAt: ts('crm_modified_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.crmId] })],
);

/** What Sway last wrote to each CRM record (field key → value as sent), so pushes send only changes. */
export const pushedValues = pgTable(
  'pushed_values',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    crmId: text('crm_id').notNull(),
    values: jsonb('values').$type<Record<string, string>>().notNull(),
    /** Set when the CRM refused these values for this record: not retried until they change. */
    lastError: text('last_error'),
    pushedAt: ts('pushed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.objectType, t.crmId] })],
);

/** Incremental pull cursors (the CRM's last-modified time reached), per object type. */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    cursor: ts('cursor').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.objectType] })],
);

/** Webhook events received, keyed by the CRM's event id: a re-sent event is stored once. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    eventId: text('event_id').primaryKey(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    subscriptionType: text('subscription_type').notNull(),
    objectId: text('object_id').notNull(),
    propertyName: text('property_name'),
    propertyValue: text('property_value'),
    /** Extra ids some events carry (merge: the merged-away ids and the surviving id). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
  },
  (t) => [index('webhook_events_pending').on(t.installationId, t.processedAt)],
);

/** CRM requests and errors per installation and UTC day: the marketplace success-rate figure. */
export const requestStatsDaily = pgTable(
  'request_stats_daily',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    requests: integer('requests').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    rateLimited: integer('rate_limited').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.day] })],
);

/** Which person a CRM record is. One person per record; a person may own several records. */
export const personLinks = pgTable(
  'person_links',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    crmId: text('crm_id').notNull(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    method: text('method').notNull(),
    linkedAt: ts('linked_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.objectType, t.crmId] }), index('person_links_person').on(t.personId)],
);

/** One row per job run (provision, pull, score, push) with its counts, for history and the demo. */
export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    jobId: text('job_id'),
    status: text('status').notNull(),
    counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
    errors: jsonb('errors').$type<{ recordId?: string; message: string }[]>().notNull().default([]),
    startedAt: ts('started_at').notNull().defaultNow(),
    finishedAt: ts('finished_at'),
    durationMs: integer('duration_ms'),
  },
  (t) => [index('runs_installation_started').on(t.installationId, t.startedAt)],
);

/** A person talking about the brand or its products (not to another person): topics and sentiment. */
export const conversations = pgTable(
  'conversations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    network: text('network'),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    /** −1..1: given, or computed from the text (which is not stored). */
    sentiment: real('sentiment'),
    sentimentSource: text('sentiment_source').notNull().default('given'),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [
    uniqueIndex('conversations_installation_external').on(t.installationId, t.externalId),
    index('conversations_person').on(t.personId),
  ],
);

/** Ids of people merged into another: later data sent under the old id lands on the survivor. */
export const personAliases = pgTable(
  'person_aliases',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    mergedAt: ts('merged_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.externalId] }), index('person_aliases_person').on(t.personId)],
);

/**
 * Top-k influencers per prospect from the last match run (src/jobs/match.ts). No foreign keys:
 * a full recompute writes millions of rows by COPY; deleting people or an installation removes
 * their matches through the statement triggers of migration 0007.
 */
export const matches = pgTable(
  'matches',
  {
    installationId: uuid('installation_id').notNull(),
    /** The prospect (people.id). */
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    rank: integer('rank').notNull(),
    influencerId: bigint('influencer_id', { mode: 'number' }).notNull(),
    stage: text('stage').notNull(),
    score: real('score').notNull(),
    /**
     * Each signal's 0..1 value and its contribution (weight × value) to the score, in
     * src/matching/weights.ts COMPONENTS order: two real[] rather than a jsonb object, because a
     * full run writes millions of rows and jsonb input was most of COPY's time.
     */
    componentValues: real('component_values').array().notNull(),
    componentContributions: real('component_contributions').array().notNull(),
    reason: text('reason').notNull(),
    computedAt: ts('computed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.personId, t.rank] }), index('matches_influencer').on(t.influencerId)],
);

/**
 * The global half of the last full match run, kept so an incremental run can score a few
 * prospects without recomputing PageRank: one binary blob per installation (src/matching/snapshot.ts).
 */
export const matchSnapshots = pgTable('match_snapshots', {
  installationId: uuid('installation_id')
    .primaryKey()
    .references(() => installations.id, { onDelete: 'cascade' }),
  computedAt: ts('computed_at').notNull(),
  data: bytea('data').notNull(),
});

/**
 * Campaigns measured against a randomised holdout (src/store/campaigns.ts). The design columns
 * are pre-registered: they may change while the campaign is a draft and never after it starts
 * (changing them makes a new campaign).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey(),
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** draft → running → read-out. */
    status: text('status').notNull().default('draft'),
    /** Who is targeted: canonical stages, topics, CRM attribute filters (src/outcomes/campaign-design.ts). */
    segment: jsonb('segment').$type<Record<string, unknown>>().notNull().default({}),
    holdoutShare: doublePrecision('holdout_share').notNull(),
    /** account-else-contact: the company when known, else the contact. */
    unit: text('unit').notNull(),
    /** deal-won | stage-purchase. */
    outcome: text('outcome').notNull(),
    windowDays: integer('window_days').notNull(),
    cost: doublePrecision('cost'),
    readoutAt: ts('readout_at').notNull(),
    alpha: doublePrecision('alpha').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    /** startedAt + windowDays: conversions count inside [startedAt, windowEndsAt]. */
    windowEndsAt: ts('window_ends_at'),
    readOutAt: ts('read_out_at'),
    /** The last measured report (src/outcomes/report.ts CampaignReport) and when. */
    lastReport: jsonb('last_report').$type<Record<string, unknown>>(),
    measuredAt: ts('measured_at'),
  },
  (t) => [index('campaigns_installation').on(t.installationId, t.createdAt)],
);

/** The campaign's influencers (people), fixed at start with the rest of the design. */
export const campaignInfluencers = pgTable(
  'campaign_influencers',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    personId: bigint('person_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.personId] })],
);

/**
 * Who was randomised, written once at start: each targeted contact, its randomisation unit and
 * arm (src/outcomes/assignment.ts), its canonical stage then and the campaign influencer it was
 * matched with then (for per-stage and per-influencer results; both fixed before the outcome).
 */
export const campaignMembers = pgTable(
  'campaign_members',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').notNull(),
    /**
     * Erasing the person through the API keeps the randomised member (the CRM contact) and forgets
     * who it was; a CRM privacy deletion of the contact removes the member (src/store/privacy.ts).
     */
    personId: bigint('person_id', { mode: 'number' }).references(() => people.id, { onDelete: 'set null' }),
    unitKey: text('unit_key').notNull(),
    arm: text('arm').notNull(),
    stage: text('stage').notNull(),
    influencerId: bigint('influencer_id', { mode: 'number' }).references(() => people.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.contactId] }), index('campaign_members_unit').on(t.campaignId, t.unitKey)],
);

/**
 * Contact stage changes seen at pull time (crm_records keeps only the current stage), so an
 * outcome like "reached the purchase stage" can be dated. Raw CRM values; mapped at read.
 */
export const stageTransitions = pgTable(
  'stage_transitions',
  {
    installationId: uuid('installation_id')
      .notNull()
      .references(() => installations.id, { onDelete: 'cascade' }),
    objectType: text('object_type').notNull(),
    crmId: text('crm_id').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage'),
    /** The CRM's modification time when known, else when Sway saw it. */
    at: ts('at').notNull(),
  },
  (t) => [index('stage_transitions_record').on(t.installationId, t.objectType, t.crmId)],
);

/**
 * Each measured campaign's counts per (campaign influencer, stage at start), replaced at every
 * measure: what learning pools across campaigns (src/store/campaign-learning.ts).
 */
export const campaignEffects = pgTable(
  'campaign_effects',
  {
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    installationId: uuid('installation_id').notNull(),
    influencerId: bigint('influencer_id', { mode: 'number' })
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    treatmentUnits: integer('treatment_units').notNull(),
    treatmentConversions: integer('treatment_conversions').notNull(),
    controlUnits: integer('control_units').notNull(),
    controlConversions: integer('control_conversions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.influencerId, t.stage] }), index('campaign_effects_installation').on(t.installationId)],
);
