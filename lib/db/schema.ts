import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, json, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const staffRoles = ['admin', 'operator', 'viewer'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: staffRoles }).notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('staff_users_email_key').on(sql`lower(${t.email})`)],
);

export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    address: text('address').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sign_in_failures_email_idx').on(t.email, t.createdAt), index('sign_in_failures_address_idx').on(t.address, t.createdAt)],
);

/**
 * One row per staff sign-in: the session cookie names its row, and a session ends (sign-out,
 * disabling, a password change elsewhere) by ending the row. `failed*` is what the sign-in found
 * of failed attempts on the account since the previous one, shown to the owner during this session.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    failedAddresses: integer('failed_addresses').notNull().default(0),
    failedSince: timestamp('failed_since', { withTimezone: true }),
  },
  (t) => [index('staff_sessions_staff_idx').on(t.staffId, t.createdAt), index('staff_sessions_address_idx').on(t.staffId, t.address)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
  updatedBy: uuid('updated_by').references(() => staffUsers.id),
});

/** Every stored secret (business tokens, PINs) lives here, encrypted, with the id of the key that encrypted it. */
export const vaultSecrets = pgTable('vault_secrets', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind', { enum: ['business_token', 'phone_pin', 'setting', 'verification_code', 'webhook_verify_token'] }).notNull(),
  keyId: text('key_id').notNull(),
  ciphertext: text('ciphertext').notNull(),
  createdAt: createdAt(),
  rotatedAt: timestamp('rotated_at', { withTimezone: true }),
});

export const businesses = pgTable(
  'businesses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    metaBusinessId: text('meta_business_id').notNull().unique(),
    name: text('name'),
    verificationStatus: text('verification_status'),
    /** The business email of the signup link the customer came through (Meta does not report one). */
    email: text('email'),
    /** The partner's own reference for this customer (their CRM id), set by staff or by the signup link. */
    customerReference: text('customer_reference'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('businesses_created_idx').on(t.createdAt, t.id),
    index('businesses_name_search_idx').on(sql`lower(${t.name}) text_pattern_ops`),
    index('businesses_email_search_idx').on(sql`lower(${t.email}) text_pattern_ops`),
    index('businesses_reference_search_idx').on(sql`lower(${t.customerReference}) text_pattern_ops`),
  ],
);

export const wabaStatuses = ['connected', 'disconnected', 'deleted'] as const;

export const wabas = pgTable(
  'wabas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    metaWabaId: text('meta_waba_id').notNull().unique(),
    businessId: uuid('business_id').references(() => businesses.id),
    name: text('name'),
    currency: text('currency'),
    timezoneId: text('timezone_id'),
    accountReviewStatus: text('account_review_status'),
    businessVerificationStatus: text('business_verification_status'),
    ownershipType: text('ownership_type'),
    messagingLimit: text('messaging_limit'),
    healthStatus: jsonb('health_status'),
    primaryFundingId: text('primary_funding_id'),
    allocationConfigId: text('allocation_config_id'),
    solutionId: text('solution_id'),
    status: text('status', { enum: wabaStatuses }).notNull().default('connected'),
    country: text('country'),
    banState: text('ban_state'),
    violationType: text('violation_type'),
    restrictions: jsonb('restrictions'),
    /** Latest value per account_update event kind, with Meta's timestamp: `{ [event]: { at, value } }`. */
    flags: jsonb('flags').$type<Record<string, { at: string; value: unknown }>>().notNull().default({}),
    disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
    subscribedAt: timestamp('subscribed_at', { withTimezone: true }),
    syncedAt: timestamp('synced_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('wabas_created_idx').on(t.createdAt, t.id),
    // The staff list filters on each state and pages newest first: one index per filter serves both.
    index('wabas_business_idx').on(t.businessId),
    index('wabas_name_search_idx').on(sql`lower(${t.name}) text_pattern_ops`),
    index('wabas_status_list_idx').on(t.status, t.createdAt, t.id),
    index('wabas_review_list_idx').on(t.accountReviewStatus, t.createdAt, t.id),
    index('wabas_verification_list_idx').on(t.businessVerificationStatus, t.createdAt, t.id),
    index('wabas_limit_list_idx').on(t.messagingLimit, t.createdAt, t.id),
    index('wabas_can_send_list_idx').on(sql`(${t.healthStatus} ->> 'can_send_message')`, t.createdAt, t.id),
  ],
);

export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    metaPhoneNumberId: text('meta_phone_number_id').notNull().unique(),
    wabaId: uuid('waba_id')
      .notNull()
      .references(() => wabas.id),
    displayPhoneNumber: text('display_phone_number'),
    verifiedName: text('verified_name'),
    codeVerificationStatus: text('code_verification_status'),
    qualityRating: text('quality_rating'),
    status: text('status'),
    nameStatus: text('name_status'),
    platformType: text('platform_type'),
    throughputLevel: text('throughput_level'),
    isOnBizApp: boolean('is_on_biz_app').notNull().default(false),
    qualityEvent: text('quality_event'),
    currentLimit: text('current_limit'),
    requestedVerifiedName: text('requested_verified_name'),
    nameRejectionReason: text('name_rejection_reason'),
    pinSecretId: uuid('pin_secret_id').references(() => vaultSecrets.id),
    /** A new two-step PIN sent to Meta and not yet confirmed; pin_secret_id stays the PIN until it is. */
    pendingPinSecretId: uuid('pending_pin_secret_id').references(() => vaultSecrets.id),
    /** The verification code staff entered, kept encrypted only until verify_code has used it. */
    pendingCodeSecretId: uuid('pending_code_secret_id').references(() => vaultSecrets.id),
    /** The local-storage country our last registration asked for (Meta does not report it). */
    dataLocalizationRegion: text('data_localization_region'),
    /** Meta's last full read of the number (lib/numbers), as it came. */
    lastRead: jsonb('last_read').$type<Record<string, unknown>>(),
    registeredAt: timestamp('registered_at', { withTimezone: true }),
    syncedAt: timestamp('synced_at', { withTimezone: true }),
    /** The display number's digits only ("+1 555-078-3881" → 15550783881), for search in any formatting. */
    displayDigits: text('display_digits').generatedAlwaysAs(sql`regexp_replace(coalesce(display_phone_number, ''), '[^0-9]', '', 'g')`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('phone_numbers_waba_idx').on(t.wabaId),
    // Reversed, so that a number typed without its country code is an indexed prefix match.
    index('phone_numbers_digits_search_idx').on(sql`reverse(${t.displayDigits}) text_pattern_ops`),
    index('phone_numbers_quality_idx').on(t.qualityRating, t.wabaId),
    index('phone_numbers_name_status_idx').on(t.nameStatus, t.wabaId),
  ],
);

export const businessTokens = pgTable(
  'business_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    wabaId: uuid('waba_id').references(() => wabas.id),
    businessId: uuid('business_id').references(() => businesses.id),
    secretId: uuid('secret_id')
      .notNull()
      .references(() => vaultSecrets.id),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    grantedWabaIds: text('granted_waba_ids').array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    status: text('status', { enum: ['valid', 'needs_reauth', 'revoked'] })
      .notNull()
      .default('valid'),
    /** When debug_token last answered for this token (a refresh or the daily sweep). */
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('business_tokens_waba_idx').on(t.wabaId),
    index('business_tokens_waba_latest_idx').on(t.wabaId, t.createdAt),
    index('business_tokens_status_idx').on(t.status, t.wabaId),
    index('business_tokens_expires_idx').on(t.expiresAt, t.wabaId),
  ],
);

export const signupFlows = ['default', 'coexistence', 'waba_only', 'mps', 'measurement'] as const;
export type SignupFlow = (typeof signupFlows)[number];

export const signupLinks = pgTable('signup_links', {
  id: uuid('id').primaryKey().defaultRandom(),
  token: text('token').notNull().unique(),
  label: text('label').notNull(),
  flow: text('flow', { enum: signupFlows }).notNull().default('default'),
  solutionId: text('solution_id'),
  prefill: jsonb('prefill'),
  /** Carried onto the customer's business when a signup through this link completes. */
  customerReference: text('customer_reference'),
  singleUse: boolean('single_use').notNull().default(false),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  usedAt: timestamp('used_at', { withTimezone: true }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  /** Sessions opened on this link that were never launched and have been pruned: still counted as opened. */
  prunedOpened: integer('pruned_opened').notNull().default(0),
  createdBy: uuid('created_by').references(() => staffUsers.id),
  createdAt: createdAt(),
});

export const onboardingStatuses = [
  'started',
  'cancelled',
  'errored',
  'exchanging',
  'running',
  'failed',
  'action_needed',
  'waiting_on_partner',
  'connected',
  'live',
  'rejected',
  'expired',
] as const;
export type OnboardingStatus = (typeof onboardingStatuses)[number];

export const onboardingSessions = pgTable(
  'onboarding_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    browserKeyHash: text('browser_key_hash').notNull(),
    linkId: uuid('link_id').references(() => signupLinks.id),
    flow: text('flow', { enum: signupFlows }).notNull(),
    partnerType: text('partner_type').notNull(),
    status: text('status', { enum: onboardingStatuses }).notNull().default('started'),
    statusMessage: text('status_message'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    launchedAt: timestamp('launched_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    finishEvent: text('finish_event'),
    /** What the FINISH message claimed, recorded when it arrived (before the code): a claim until Meta confirms it. */
    reportedWabaId: text('reported_waba_id'),
    reportedBusinessId: text('reported_business_id'),
    cancelStep: text('cancel_step'),
    errorCode: text('error_code'),
    errorSessionId: text('error_session_id'),
    errorMessage: text('error_message'),
    businessId: uuid('business_id').references(() => businesses.id),
    wabaId: uuid('waba_id').references(() => wabas.id),
    phoneNumberId: uuid('phone_number_id').references(() => phoneNumbers.id),
    tokenId: uuid('token_id').references(() => businessTokens.id),
    historyProgress: integer('history_progress'),
    historyDeclinedAt: timestamp('history_declined_at', { withTimezone: true }),
    contactsSynced: integer('contacts_synced').notNull().default(0),
    echoesSeen: integer('echoes_seen').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('onboarding_sessions_created_idx').on(t.createdAt, t.id),
    index('onboarding_sessions_waba_idx').on(t.wabaId),
    index('onboarding_sessions_waba_latest_idx').on(t.wabaId, t.createdAt),
    index('onboarding_sessions_status_waba_idx').on(t.status, t.wabaId),
    index('onboarding_sessions_reported_waba_idx').on(t.reportedWabaId),
    // The Overview's stopped onboardings, newest first, without reading every session.
    index('onboarding_sessions_failed_idx').on(t.updatedAt, t.id).where(sql`${t.status} = 'failed'`),
    // Serves the expiry job: only sessions still waiting for the customer are indexed.
    index('onboarding_sessions_waiting_idx').on(t.expiresAt).where(sql`${t.status} = 'started'`),
  ],
);

/** Hashes of Embedded Signup codes already sent to Meta, so a replayed code is refused before the exchange. */
export const exchangedCodes = pgTable('exchanged_codes', {
  codeHash: text('code_hash').primaryKey(),
  sessionId: uuid('session_id').notNull(),
  createdAt: createdAt(),
});

export const onboardingEvents = pgTable(
  'onboarding_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => onboardingSessions.id),
    type: text('type').notNull(),
    data: jsonb('data'),
    createdAt: createdAt(),
  },
  (t) => [index('onboarding_events_session_idx').on(t.sessionId, t.id)],
);

export const stepStatuses = ['pending', 'running', 'retrying', 'done', 'skipped', 'failed'] as const;
export type StepStatus = (typeof stepStatuses)[number];

export const operationRunStatuses = ['running', 'done', 'failed', 'cancelled'] as const;
export type OperationRunStatus = (typeof operationRunStatuses)[number];

/** One run of a durable, multi-step Meta operation (lib/operations): an onboarding, adding a number, an offboarding. */
export const operationRuns = pgTable(
  'operation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    operation: text('operation').notNull(),
    /** What the run is about: an onboarding session, a WABA, a phone number, a bulk selection. */
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    /** What the run was started with (never secrets). */
    input: jsonb('input').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: operationRunStatuses }).notNull().default('running'),
    statusMessage: text('status_message'),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('operation_runs_subject_idx').on(t.subjectType, t.subjectId, t.createdAt),
    index('operation_runs_running_idx').on(t.createdAt).where(sql`${t.status} = 'running'`),
  ],
);

/** The steps of a run: the runner's source of truth (claimed with a conditional UPDATE). */
export const operationSteps = pgTable(
  'operation_steps',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => operationRuns.id),
    name: text('name').notNull(),
    status: text('status', { enum: stepStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    lastFbtraceId: text('last_fbtrace_id'),
    result: jsonb('result'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.name] })],
);

/** What happened to a run and its steps (started, retrying, done, failed, resumed…). */
export const operationEvents = pgTable(
  'operation_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => operationRuns.id),
    type: text('type').notNull(),
    data: jsonb('data'),
    createdAt: createdAt(),
  },
  (t) => [index('operation_events_run_idx').on(t.runId, t.id)],
);

/** `invalid`: a malformed change (no field, a value that is not an object), kept as it came, never processed. */
export const webhookEventStatuses = ['received', 'processed', 'unhandled', 'ignored', 'failed', 'invalid'] as const;

export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    object: text('object').notNull(),
    entryId: text('entry_id').notNull(),
    entryTime: timestamp('entry_time', { withTimezone: true }),
    field: text('field').notNull(),
    event: text('event'),
    // json, not jsonb: kept exactly as received and cheaper to write on the hot path.
    value: json('value').notNull(),
    /** The WABA the change is about (entry.id, or waba_info.waba_id when entry.id is a business). */
    wabaId: text('waba_id'),
    status: text('status', { enum: webhookEventStatuses }).notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** Staff asked to keep this event past the retention age. */
    keptAt: timestamp('kept_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_events_received_idx').on(t.receivedAt, t.id),
    index('webhook_events_waba_idx').on(t.wabaId, t.receivedAt),
    index('webhook_events_field_idx').on(t.field, t.receivedAt, t.id),
    // Only unfinished events are indexed for the processors, so the index stays small.
    index('webhook_events_pending_idx').on(t.receivedAt).where(sql`${t.status} in ('received', 'failed')`),
  ],
);

/**
 * Every POST Meta made, exactly as its bytes came, committed before the 200: the receiver's only
 * write. Processing splits each into its changes (webhook_events) and prunes it after a day.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** SHA-256 of the body: a byte-identical re-delivery (Meta's retry) is stored once. */
    bodyHash: text('body_hash').notNull().unique(),
    body: text('body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    splitAt: timestamp('split_at', { withTimezone: true }),
    changes: integer('changes'),
  },
  (t) => [index('webhook_deliveries_unsplit_idx').on(t.id).where(sql`${t.splitAt} is null`)],
);

export const webhookRejections = pgTable('webhook_rejections', {
  reason: text('reason', { enum: ['bad_signature', 'bad_body', 'oversize'] }).primaryKey(),
  count: integer('count').notNull().default(0),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
});

/** Verify tokens set with a per-WABA callback override (hashed), accepted by the GET handshake. */
export const webhookVerifyTokens = pgTable('webhook_verify_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  wabaId: text('waba_id').notNull(),
  createdAt: createdAt(),
});

export const webhookForwards = pgTable('webhook_forwards', {
  id: uuid('id').primaryKey().defaultRandom(),
  field: text('field').notNull(),
  url: text('url').notNull(),
  secretId: uuid('secret_id')
    .notNull()
    .references(() => vaultSecrets.id),
  enabled: boolean('enabled').notNull().default(true),
  /** Circuit breaker: failed deliveries in a row, and until when the destination is left alone. */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  failingSince: timestamp('failing_since', { withTimezone: true }),
  pausedUntil: timestamp('paused_until', { withTimezone: true }),
  createdAt: createdAt(),
});

export const forwardStatuses = ['pending', 'delivered', 'retrying', 'dead'] as const;

export const webhookForwardDeliveries = pgTable(
  'webhook_forward_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    forwardId: uuid('forward_id')
      .notNull()
      .references(() => webhookForwards.id),
    status: text('status', { enum: forwardStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_forward_deliveries_key').on(t.eventId, t.forwardId),
    index('webhook_forward_deliveries_pending_idx').on(t.status, t.nextAttemptAt),
    // Each destination takes its own due deliveries.
    index('webhook_forward_deliveries_due_idx').on(t.forwardId, t.nextAttemptAt).where(sql`${t.status} in ('pending', 'retrying')`),
  ],
);

export const messageTemplates = pgTable(
  'message_templates',
  {
    wabaId: text('waba_id').notNull(),
    templateId: text('template_id').notNull(),
    name: text('name'),
    language: text('language'),
    status: text('status'),
    category: text('category'),
    qualityScore: text('quality_score'),
    reason: text('reason'),
    eventAt: timestamp('event_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.wabaId, t.templateId] })],
);

/** Per-number daily message activity, from the `messages` field (no message bodies are kept). */
export const messageDailyCounts = pgTable(
  'message_daily_counts',
  {
    phoneNumberId: text('phone_number_id').notNull(),
    day: text('day').notNull(),
    inbound: integer('inbound').notNull().default(0),
    sent: integer('sent').notNull().default(0),
    delivered: integer('delivered').notNull().default(0),
    read: integer('read').notNull().default(0),
    failed: integer('failed').notNull().default(0),
  },
  // The readiness figures read every number's counts over a range of days (lib/readiness).
  (t) => [primaryKey({ columns: [t.phoneNumberId, t.day] }), index('message_daily_counts_day_idx').on(t.day)],
);

/** Each number's quality rating once a day, so the readiness page can compare with a week earlier. */
export const phoneQualityDays = pgTable(
  'phone_quality_days',
  {
    phoneNumberId: text('phone_number_id').notNull(),
    day: text('day').notNull(),
    rating: text('rating').notNull(),
  },
  (t) => [primaryKey({ columns: [t.phoneNumberId, t.day] }), index('phone_quality_days_day_idx').on(t.day)],
);

/** The furthest status each outbound message reached, and which statuses were counted already. */
export const messageStatuses = pgTable('message_statuses', {
  messageId: text('message_id').primaryKey(),
  phoneNumberId: text('phone_number_id').notNull(),
  status: text('status').notNull(),
  seen: integer('seen').notNull().default(0),
  updatedAt: updatedAt(),
});

/** Test messages staff sent from a number; their delivery is read from message_statuses and the messages webhooks. */
export const testMessages = pgTable(
  'test_messages',
  {
    messageId: text('message_id').primaryKey(),
    phoneNumberId: text('phone_number_id').notNull(),
    recipient: text('recipient').notNull(),
    kind: text('kind', { enum: ['text', 'template'] }).notNull(),
    templateName: text('template_name'),
    templateLanguage: text('template_language'),
    sentBy: uuid('sent_by').references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [index('test_messages_phone_idx').on(t.phoneNumberId, t.createdAt)],
);

export const solutions = pgTable('solutions', {
  metaSolutionId: text('meta_solution_id').primaryKey(),
  name: text('name'),
  status: text('status'),
  pendingRequestStatus: text('pending_request_status'),
  role: text('role', { enum: ['owner', 'partner'] }),
  eventAt: timestamp('event_at', { withTimezone: true }),
  updatedAt: updatedAt(),
  /** The two apps as Meta last reported them, and which of them holds MESSAGING (exactly one). */
  ownerAppId: text('owner_app_id'),
  ownerAppName: text('owner_app_name'),
  partnerAppId: text('partner_app_id'),
  partnerAppName: text('partner_app_name'),
  messagingApp: text('messaging_app', { enum: ['owner', 'partner'] }),
  syncedAt: timestamp('synced_at', { withTimezone: true }),
});

export const verificationSubmissionStatuses = [
  /** Being sent to Meta now. */
  'submitting',
  /** Meta refused the request: it used no attempt. */
  'refused',
  /** Meta's answer never came: counted as an attempt until Meta's list says otherwise. */
  'unconfirmed',
  'PENDING',
  'APPROVED',
  'FAILED',
  'DISCARDED',
  'REVOKED',
] as const;

/**
 * Partner-led business verification submissions per customer portfolio (docs/meta/business-verification.md).
 * The documents themselves are never kept: only their names, types, sizes and page counts.
 */
export const verificationSubmissions = pgTable(
  'verification_submissions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Meta's id of the customer's business portfolio. */
    businessId: text('business_id').notNull(),
    /** Our slot, 1 to 3; a refused request frees its slot. */
    attempt: integer('attempt').notNull(),
    status: text('status').notNull(),
    metaSubmissionId: text('meta_submission_id'),
    /** Meta's `verification_attempts` from the submit answer. */
    metaAttempts: integer('meta_attempts'),
    rejectionReasons: text('rejection_reasons').array().notNull().default(sql`'{}'::text[]`),
    documents: jsonb('documents').$type<Array<{ name: string; type: string; size: number; pages?: number }>>().notNull().default([]),
    error: text('error'),
    submittedBy: uuid('submitted_by').references(() => staffUsers.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Two staff submitting at once cannot take the same slot; a refused request gives its slot back.
    uniqueIndex('verification_submissions_slot_key').on(t.businessId, t.attempt).where(sql`${t.status} <> 'refused'`),
    uniqueIndex('verification_submissions_meta_key').on(t.metaSubmissionId),
  ],
);

/** A customer portfolio's verification as Meta reported it: read with its business token, and from webhooks. */
export const businessVerifications = pgTable('business_verifications', {
  businessId: text('business_id').primaryKey(),
  metaStatus: text('meta_status'),
  metaReadAt: timestamp('meta_read_at', { withTimezone: true }),
  webhookStatus: text('webhook_status'),
  webhookReasons: text('webhook_reasons').array().notNull().default(sql`'{}'::text[]`),
  webhookAt: timestamp('webhook_at', { withTimezone: true }),
  /** PARTNER_CLIENT_CERTIFICATION_NEEDED: the customer cannot message until verified. */
  neededAt: timestamp('needed_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/**
 * Numbers that staff know to be shared with other partners through Multi-Solution Conversations
 * (Meta reports no such field; the customer tells us). `partnerCount` includes us, at most 5.
 */
export const mscShares = pgTable('msc_shares', {
  phoneNumberId: text('phone_number_id').primaryKey(),
  partnerCount: integer('partner_count').notNull(),
  note: text('note'),
  recordedBy: uuid('recorded_by').references(() => staffUsers.id),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
});

export const wabaRequestStatuses = ['sent', 'accepted', 'cancelled'] as const;

/** A WABA creation request a Solution Partner sent in Meta Business Suite (partner-initiated WABA creation). */
export const wabaRequests = pgTable(
  'waba_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerBusinessId: text('customer_business_id').notNull(),
    customerName: text('customer_name').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    note: text('note'),
    status: text('status', { enum: wabaRequestStatuses }).notNull().default('sent'),
    metaWabaId: text('meta_waba_id'),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [index('waba_requests_business_idx').on(t.customerBusinessId, t.status), index('waba_requests_created_idx').on(t.createdAt, t.id)],
);

/** What staff must look at: a removed partner, a restriction, a failed verification. */
export const attentionItems = pgTable(
  'attention_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    wabaId: text('waba_id'),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    data: jsonb('data'),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** The staff member who resolved it; null when a later event or job closed it. */
    resolvedBy: uuid('resolved_by').references(() => staffUsers.id),
    resolution: text('resolution'),
  },
  (t) => [index('attention_items_open_idx').on(t.resolvedAt, t.createdAt), index('attention_items_waba_idx').on(t.wabaId, t.createdAt)],
);

/**
 * What Meta last reported about a WABA beyond its own columns (docs/meta/wabas.md,
 * docs/meta/webhook-subscriptions.md, docs/meta/system-users.md, docs/meta/credit-lines.md): the
 * raw WABA read, the subscribed apps, the assigned users and the credit-line allocation, each with
 * when it was read. `expectedOverride` is the WABA callback override we set (null: none).
 */
export const wabaMetaStates = pgTable('waba_meta_states', {
  wabaId: uuid('waba_id')
    .primaryKey()
    .references(() => wabas.id),
  raw: jsonb('raw'),
  rawReadAt: timestamp('raw_read_at', { withTimezone: true }),
  subscribedApps: jsonb('subscribed_apps').$type<Array<{ appId?: string; name?: string; overrideCallbackUri?: string }>>(),
  subscribedAppsReadAt: timestamp('subscribed_apps_read_at', { withTimezone: true }),
  expectedOverride: text('expected_override'),
  /** The verify token of that override, in the vault: a re-subscribe sets the override again with it. */
  expectedOverrideSecretId: uuid('expected_override_secret_id').references(() => vaultSecrets.id),
  assignedUsers: jsonb('assigned_users').$type<Array<{ id: string; name?: string; tasks: string[] }>>(),
  assignedUsersReadAt: timestamp('assigned_users_read_at', { withTimezone: true }),
  allocation: jsonb('allocation').$type<{ id: string; receivingCredentialId?: string; requestStatus?: string; shared: boolean }>(),
  allocationReadAt: timestamp('allocation_read_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id').references(() => staffUsers.id),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details'),
    createdAt: createdAt(),
  },
  // By action: the audit log's action filter lists the distinct actions by skipping along this index.
  (t) => [index('audit_log_created_idx').on(t.createdAt), index('audit_log_action_idx').on(t.action)],
);

export const graphCalls = pgTable(
  'graph_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status'),
    errorCode: text('error_code'),
    fbtraceId: text('fbtrace_id'),
    durationMs: integer('duration_ms').notNull(),
    sessionId: uuid('session_id').references(() => onboardingSessions.id),
    /** The operation run that made the call (an onboarding's run shares its session's id). */
    runId: uuid('run_id'),
    step: text('step'),
    createdAt: createdAt(),
  },
  (t) => [
    index('graph_calls_session_idx').on(t.sessionId, t.id),
    index('graph_calls_run_idx').on(t.runId, t.id),
    index('graph_calls_created_idx').on(t.createdAt),
    // A number's register/deregister budget (10 in 72 h) is counted from these calls.
    index('graph_calls_register_idx').on(t.path, t.createdAt).where(sql`${t.path} like '%/register' or ${t.path} like '%/deregister'`),
  ],
);

export type StaffUser = typeof staffUsers.$inferSelect;
export type StaffSession = typeof staffSessions.$inferSelect;
export type Waba = typeof wabas.$inferSelect;
export type PhoneNumber = typeof phoneNumbers.$inferSelect;
export type TestMessage = typeof testMessages.$inferSelect;
export type OnboardingSession = typeof onboardingSessions.$inferSelect;
export type OperationRun = typeof operationRuns.$inferSelect;
export type OperationStep = typeof operationSteps.$inferSelect;
export type OperationEvent = typeof operationEvents.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type SignupLink = typeof signupLinks.$inferSelect;
export type VerificationSubmissionRow = typeof verificationSubmissions.$inferSelect;
export type MscShare = typeof mscShares.$inferSelect;
export type StoredSolution = typeof solutions.$inferSelect;
export type WabaRequest = typeof wabaRequests.$inferSelect;
export type WabaMetaState = typeof wabaMetaStates.$inferSelect;
export type BusinessToken = typeof businessTokens.$inferSelect;
