import { newId, e164Digits, phonesOfWaba, type PlbvSubmission, type Sandbox, type Solution, type WabaRequest } from './state';
import { emitChange } from './webhooks';
import { partnerEventEntryId, wabaInfo } from './webhook-payloads';
import { decideTemplate } from './template-decisions';

// The decisions Meta (or the other party) makes: display names, WABA reviews, business verification,
// solution acceptance, partner-initiated WABA requests, partner removal. The control API calls these;
// the auto-decisions (demo default) schedule them on the sandbox clock.

export function isDecisionError(error: unknown): error is Error & { decision: true } {
  return error instanceof Error && 'decision' in error;
}

function fail(message: string): never {
  throw Object.assign(new Error(message), { decision: true as const });
}

export function scheduleAutoDecisions(sb: Sandbox, target: { wabaId?: string; phoneNumberId?: string; submissionId?: string; templateId?: string }): void {
  const auto = sb.config.autoDecisions;
  const now = sb.clock.now();
  const safely = (fn: () => void) => () => {
    try {
      fn();
    } catch {
      // Already decided through the control API: nothing to do.
    }
  };
  if (target.wabaId && auto.wabaReviewSeconds !== null) {
    const id = target.wabaId;
    sb.clock.schedule(
      now + auto.wabaReviewSeconds * 1000,
      safely(() => sb.state.wabas[id]?.accountReviewStatus === 'PENDING' && decideWabaReview(sb, id, 'APPROVED')),
    );
  }
  if (target.phoneNumberId && auto.displayNameSeconds !== null) {
    const id = target.phoneNumberId;
    sb.clock.schedule(
      now + auto.displayNameSeconds * 1000,
      safely(() => decideDisplayName(sb, id, 'APPROVED')),
    );
  }
  if (target.templateId && auto.templateReviewSeconds != null) {
    const id = target.templateId;
    const seconds = auto.templateReviewSeconds;
    sb.clock.schedule(
      now + seconds * 1000,
      safely(() => sb.state.templates[id]?.status === 'PENDING' && decideTemplate(sb, id, 'APPROVED')),
    );
  }
  if (target.submissionId && auto.businessVerificationSeconds !== null) {
    const id = target.submissionId;
    sb.clock.schedule(
      now + auto.businessVerificationSeconds * 1000,
      safely(() => sb.state.submissions[id]?.status === 'PENDING' && decidePlbv(sb, id, 'APPROVED')),
    );
  }
}

export function decideWabaReview(sb: Sandbox, wabaId: string, decision: 'APPROVED' | 'REJECTED' | 'PENDING' | 'DEFERRED'): void {
  const waba = sb.state.wabas[wabaId];
  if (!waba) fail(`unknown WABA ${wabaId}`);
  waba.accountReviewStatus = decision === 'APPROVED' ? 'APPROVED' : decision === 'REJECTED' ? 'REJECTED' : 'PENDING';
  emitChange(sb, { field: 'account_review_update', entryId: waba.id, wabaId: waba.id, value: { decision } });
}

const nameRejectionReasons = [
  'NAME_EMPLOYEE_ISSUE',
  'NAME_ENDCLIENT_NOTRELATED',
  'NAME_FORMAT_UNACCEPTABLE',
  'NAME_INDIVIDUAL_ISSUE',
  'NAME_NOT_CONSISTENT',
  'UNKNOWN',
];

/** Decides the pending display name of a number (its first name after ES, or a requested new one). */
export function decideDisplayName(sb: Sandbox, phoneId: string, decision: 'APPROVED' | 'REJECTED' | 'DEFERRED', rejectionReason?: string): void {
  const phone = sb.state.phoneNumbers[phoneId];
  if (!phone) fail(`unknown phone number ${phoneId}`);
  const pendingNew = phone.newNameStatus === 'PENDING_REVIEW';
  if (!pendingNew && phone.nameStatus !== 'PENDING_REVIEW') fail('this number has no display name waiting for review');
  if (rejectionReason && !nameRejectionReasons.includes(rejectionReason)) fail(`rejection_reason must be one of ${nameRejectionReasons.join(', ')}`);
  const requested = pendingNew ? (phone.requestedName ?? phone.verifiedName) : phone.verifiedName;
  if (decision !== 'DEFERRED') {
    if (pendingNew) phone.newNameStatus = decision === 'APPROVED' ? 'APPROVED' : 'DECLINED';
    else phone.nameStatus = decision === 'APPROVED' ? 'APPROVED' : 'DECLINED';
  }
  emitChange(sb, {
    field: 'phone_number_name_update',
    entryId: phone.wabaId,
    wabaId: phone.wabaId,
    phoneNumberId: phone.id,
    value: {
      display_phone_number: e164Digits(phone),
      decision,
      requested_verified_name: requested,
      rejection_reason: decision === 'REJECTED' ? (rejectionReason ?? 'NAME_FORMAT_UNACCEPTABLE') : null,
    },
  });
}

export function decidePlbv(sb: Sandbox, submissionId: string, status: 'APPROVED' | 'FAILED', rejectionReasons?: string[]): PlbvSubmission {
  const submission = sb.state.submissions[submissionId];
  if (!submission) fail(`unknown submission ${submissionId}`);
  if (submission.status !== 'PENDING') fail(`submission is ${submission.status}, not PENDING`);
  submission.status = status;
  submission.updatedAt = sb.clock.now();
  submission.rejectionReasons = status === 'FAILED' ? (rejectionReasons?.length ? rejectionReasons : ['LEGAL_NAME_NOT_FOUND_IN_DOCUMENTS']) : [];
  const business = sb.state.businesses[submission.clientBusinessId];
  if (business) business.verificationStatus = status === 'APPROVED' ? 'verified' : 'rejected';
  // The webhook doc spells reasons with spaces, the PLBV page with underscores (Meta: Partner-led business verification); the webhook uses spaces.
  const reasons = status === 'APPROVED' ? ['NONE'] : submission.rejectionReasons.map((r) => r.replace(/_/g, ' '));
  const wabas = Object.values(sb.state.wabas).filter(
    (w) => w.ownerBusinessId === submission.clientBusinessId && w.partners.some((p) => p.appId === sb.options.appId),
  );
  for (const waba of wabas) {
    if (status === 'APPROVED' && waba.messagingLimit === 'TIER_250') {
      // Verification lifts the portfolio's limits, which Meta reports as a capability change.
      waba.messagingLimit = 'TIER_2K';
      emitChange(sb, {
        field: 'business_capability_update',
        entryId: waba.id,
        wabaId: waba.id,
        value: { max_daily_conversations_per_business: 'TIER_2K', max_phone_numbers_per_waba: 25 },
      });
    }
    emitChange(sb, {
      field: 'account_update',
      entryId: waba.id,
      wabaId: waba.id,
      value: {
        event: 'PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE',
        partner_client_certification_info: { client_business_id: submission.clientBusinessId, status, rejection_reasons: reasons },
      },
    });
  }
  return submission;
}

function solutionWebhook(sb: Sandbox, solution: Solution, event: 'SOLUTION_CREATED' | 'SOLUTION_UPDATED') {
  if (solution.ownerAppId !== sb.options.appId && solution.partnerAppId !== sb.options.appId) return;
  const status = solution.pendingRequest === 'PENDING_DEACTIVATION' ? 'PENDING_DEACTIVATION' : solution.status;
  emitChange(sb, { field: 'partner_solutions', entryId: sb.options.partnerBusinessId, value: { event, solution_id: solution.id, solution_status: status } });
}

export function emitSolutionWebhook(sb: Sandbox, solution: Solution, event: 'SOLUTION_CREATED' | 'SOLUTION_UPDATED'): void {
  solutionWebhook(sb, solution, event);
}

export const solutionDecisions = [
  'accept',
  'reject',
  'send_deactivation_request',
  'accept_deactivation_request',
  'reject_deactivation_request',
  'send',
] as const;
export type SolutionDecision = (typeof solutionDecisions)[number];

/** Applies a solution transition as app `actorAppId` (the Graph handlers and the control API share this). */
export function transitionSolution(sb: Sandbox, solution: Solution, actorAppId: string, decision: SolutionDecision): string | undefined {
  const isOwner = actorAppId === solution.ownerAppId;
  const isPartner = actorAppId === solution.partnerAppId;
  if (!isOwner && !isPartner) return 'Only the apps of this solution can change it.';
  switch (decision) {
    case 'send':
      if (!isOwner || solution.status !== 'DRAFT') return 'Only the creator can send a DRAFT solution.';
      solution.status = 'INITIATED';
      solution.pendingRequest = 'PENDING_ACTIVATION';
      solutionWebhook(sb, solution, 'SOLUTION_CREATED');
      return undefined;
    case 'accept':
    case 'reject':
      if (!isPartner) return 'Only the invited partner app can accept or reject a solution request.';
      if (solution.status !== 'INITIATED') return `The solution is ${solution.status}; it can only be accepted or rejected while INITIATED.`;
      solution.status = decision === 'accept' ? 'ACTIVE' : 'REJECTED';
      solution.partnerStatus = decision === 'accept' ? 'ACCEPTED' : 'REJECTED';
      solution.pendingRequest = 'NONE';
      solutionWebhook(sb, solution, 'SOLUTION_UPDATED');
      return undefined;
    case 'send_deactivation_request':
      if (!isOwner) return 'Only the solution owner can request deactivation.';
      if (solution.status !== 'ACTIVE' || solution.pendingRequest !== 'NONE')
        return 'Deactivation can only be requested for an ACTIVE solution without a pending request.';
      solution.pendingRequest = 'PENDING_DEACTIVATION';
      solution.deactivationRequestedBy = actorAppId;
      solutionWebhook(sb, solution, 'SOLUTION_UPDATED');
      return undefined;
    case 'accept_deactivation_request':
    case 'reject_deactivation_request':
      if (solution.pendingRequest !== 'PENDING_DEACTIVATION') return 'There is no pending deactivation request.';
      if (solution.deactivationRequestedBy === actorAppId) return 'The other party must answer a deactivation request.';
      solution.pendingRequest = 'NONE';
      delete solution.deactivationRequestedBy;
      if (decision === 'accept_deactivation_request') solution.status = 'DEACTIVATED';
      solutionWebhook(sb, solution, 'SOLUTION_UPDATED');
      return undefined;
  }
}

/** The other app of a solution acts (accepts our invitation, answers our deactivation request, ...). */
export function decideSolutionAsOtherParty(sb: Sandbox, solutionId: string, decision: SolutionDecision): Solution {
  const solution = sb.state.solutions[solutionId];
  if (!solution) fail(`unknown solution ${solutionId}`);
  const other = solution.ownerAppId === sb.options.appId ? solution.partnerAppId : solution.ownerAppId;
  const problem = transitionSolution(sb, solution, other, decision);
  if (problem) fail(problem);
  return solution;
}

const NINETY_DAYS = 90 * 24 * 3600 * 1000;

/** A Solution Partner's "Request a new WhatsApp Business account for a client" in Business Suite. */
export function createWabaRequest(sb: Sandbox, input: { clientBusinessId: string; wabaName?: string; tasks?: string[] }): WabaRequest {
  const business = sb.state.businesses[input.clientBusinessId];
  if (!business) fail(`unknown business ${input.clientBusinessId}`);
  if (sb.config.partnerType !== 'solution_partner') fail('Only Solution Partners can initiate WABA creation.');
  const request: WabaRequest = {
    id: newId(sb),
    partnerBusinessId: sb.options.partnerBusinessId,
    appId: sb.options.appId,
    clientBusinessId: business.id,
    wabaName: input.wabaName ?? business.name,
    tasks: input.tasks ?? ['MANAGE'],
    status: 'INITIATED',
    createdAt: sb.clock.now(),
  };
  sb.state.wabaRequests[request.id] = request;
  // Invitations not accepted within 90 days are cancelled automatically (seed, partner-initiated WABA creation).
  sb.clock.schedule(request.createdAt + NINETY_DAYS, () => {
    if (request.status === 'INITIATED') {
      request.status = 'EXPIRED';
      request.decidedAt = sb.clock.now();
    }
  });
  return request;
}

export function decideWabaRequest(
  sb: Sandbox,
  requestId: string,
  decision: 'accept' | 'decline' | 'cancel',
  phone?: { cc: string; number: string; displayName?: string },
): WabaRequest {
  const request = sb.state.wabaRequests[requestId];
  if (!request) fail(`unknown request ${requestId}`);
  if (request.status === 'INITIATED' && request.createdAt + NINETY_DAYS <= sb.clock.now()) request.status = 'EXPIRED';
  if (request.status !== 'INITIATED') fail(`the request is ${request.status}; only INITIATED requests can be decided`);
  request.decidedAt = sb.clock.now();
  if (decision !== 'accept') {
    request.status = decision === 'decline' ? 'DECLINED' : 'CANCELED';
    return request;
  }
  const business = sb.state.businesses[request.clientBusinessId];
  if (!business) fail('the client business no longer exists');
  const id = newId(sb);
  const now = sb.clock.now();
  sb.state.wabas[id] = {
    id,
    name: request.wabaName,
    ownerBusinessId: business.id,
    currency: 'USD',
    timezoneId: '1',
    namespace: `${sb.rng.ids.hex(8)}_${sb.rng.ids.hex(4)}`,
    accountReviewStatus: 'APPROVED',
    ownershipType: 'CLIENT_OWNED',
    status: 'ACTIVE',
    country: business.country ?? 'US',
    createdAt: now,
    messagingLimit: 'TIER_250',
    partners: [{ appId: request.appId, businessId: request.partnerBusinessId, via: 'partner_initiated', messaging: true, readOnly: false, addedAt: now }],
    subscriptions: [],
    // Access follows the permissions the partner chose; the partner then works with its system token.
    assignedUsers: [{ userId: sb.options.systemUserId, tasks: request.tasks }],
    solutionIds: [],
  };
  const waba = sb.state.wabas[id];
  if (!waba) fail('internal');
  if (phone) {
    const pid = newId(sb);
    sb.state.phoneNumbers[pid] = {
      id: pid,
      wabaId: id,
      cc: phone.cc,
      number: phone.number,
      verifiedName: phone.displayName ?? business.name,
      codeVerificationStatus: 'VERIFIED',
      status: 'PENDING',
      nameStatus: 'PENDING_REVIEW',
      newNameStatus: 'NONE',
      qualityRating: 'UNKNOWN',
      platformType: 'NOT_APPLICABLE',
      throughputLevel: 'STANDARD',
      accountMode: 'LIVE',
      isOnBizApp: false,
      isOfficialBusinessAccount: false,
      registerCalls: [],
      lastOnboardedTime: now,
      createdAt: now,
    };
  }
  request.status = 'ACCEPTED';
  request.wabaId = id;
  emitChange(sb, { field: 'account_update', entryId: id, wabaId: id, value: { event: 'PARTNER_ADDED', waba_info: wabaInfo(sb, waba) } });
  return request;
}

/** The customer removes the partner from a WABA (Business Suite): access, tokens' grants and subscription go. */
export function removePartner(sb: Sandbox, wabaId: string): void {
  const waba = sb.state.wabas[wabaId];
  if (!waba) fail(`unknown WABA ${wabaId}`);
  const appId = sb.options.appId;
  if (!waba.partners.some((p) => p.appId === appId)) fail('the app is not a partner on this WABA');
  const entryId = partnerEventEntryId(sb, waba);
  const phone = phonesOfWaba(sb, waba.id)[0];
  const value: Record<string, unknown> = { event: 'PARTNER_REMOVED', waba_info: wabaInfo(sb, waba, { includeSolution: false }) };
  if (phone?.isOnBizApp) value.disconnection_info = { reason: 'ACCOUNT_DISCONNECTED', initiated_by: 'USER' };
  emitChange(sb, { field: 'account_update', entryId, wabaId: waba.id, value });
  waba.partners = waba.partners.filter((p) => p.appId !== appId);
  waba.subscriptions = waba.subscriptions.filter((s) => s.appId !== appId);
  waba.assignedUsers = waba.assignedUsers.filter((u) => u.userId !== sb.options.systemUserId);
  for (const user of Object.values(sb.state.integrationUsers)) {
    if (user.appId === appId) user.grants = user.grants.filter((g) => g.wabaId !== waba.id);
  }
}

export function revokeTokens(sb: Sandbox, filter: { token?: string; businessId?: string }): number {
  let count = 0;
  for (const token of Object.values(sb.state.tokens)) {
    if (token.revoked || token.kind === 'system') continue;
    const match = (filter.token && token.value === filter.token) || (filter.businessId && token.kind === 'business' && token.businessId === filter.businessId);
    if (match) {
      token.revoked = { at: sb.clock.now(), subcode: 458 };
      count++;
    }
  }
  return count;
}
