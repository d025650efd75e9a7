import { and, desc, eq } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { onboardingEvents, onboardingSessions, operationSteps, phoneNumbers, wabas, type SignupFlow } from '@/lib/db/schema';
import type { HealthStatus } from '@/lib/meta/wabas';
import { asPartnerType, isReadOnly, type PartnerType } from '@/lib/onboarding/steps/context';
import { ownNumberFirst, phoneSnapshot, type PhoneSnapshot, type StatusSnapshot } from '@/lib/onboarding/steps/read-status';

// How a finished pipeline ends, judged from what Meta reports, in words the customer reads on
// their status page:
// - live: one of the customer's numbers can send now (registered on Cloud API and CONNECTED, not
//   BLOCKED in health_status, the account not REJECTED, and paid for: a credit line or the
//   customer's own payment method, both reported as primary_funding_id);
// - action_needed: something only the customer can do, said exactly;
// - waiting_on_partner: nothing for the customer to do; we, or the other partner of a
//   Multi-Partner Solution, act next, and the message says who and what;
// - connected: access is granted and nothing is broken, but no number sends, by the nature of the
//   signup: a WABA shared without a number, or a read-only (Measurement Partner) grant.

export const finalStatuses = ['live', 'connected', 'waiting_on_partner', 'action_needed'] as const;
export type FinalStatus = (typeof finalStatuses)[number];

export type Outcome = { status: FinalStatus; message: string | null };

/** Where customers manage their account, numbers and payment methods (Meta's WhatsApp Manager). */
export const whatsAppManagerUrl = 'https://business.facebook.com/wa/manage/home/';

export const readOnlyMessage =
  'We can see your WhatsApp Business Account’s phone numbers, message templates and analytics, and we receive its webhooks. We cannot send messages for you. There is nothing else for you to do.';

type Health = HealthStatus | null | undefined;

function entities(health: Health) {
  return health?.entities ?? [];
}

/** The number's own health entity; unknown when Meta did not list entities. */
function phoneHealth(health: Health, phoneId: string) {
  return entities(health).find((e) => e.entity_type === 'PHONE_NUMBER' && e.id === phoneId);
}

/** Blocks above the numbers (the WABA, the business, the app), with Meta's reasons. */
function accountBlocks(health: Health): string[] | null {
  if (!health) return null;
  const list = entities(health);
  if (list.length === 0) return health.can_send_message === 'BLOCKED' ? [] : null;
  const blocked = list.filter((e) => e.entity_type !== 'PHONE_NUMBER' && e.entity_type !== 'MESSAGE_TEMPLATE' && e.can_send_message === 'BLOCKED');
  return blocked.length > 0 ? blocked.flatMap((e) => (e.errors ?? []).map((x) => x.error_description).filter((d): d is string => Boolean(d))) : null;
}

function isRegistered(phone: PhoneSnapshot): boolean {
  return phone.status === 'CONNECTED' && phone.platformType === 'CLOUD_API';
}

function canSend(phone: PhoneSnapshot, health: Health): boolean {
  return isRegistered(phone) && phoneHealth(health, phone.id)?.can_send_message !== 'BLOCKED';
}

function numberName(phone: PhoneSnapshot): string {
  return phone.number ? `your number ${phone.number}` : 'your number';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function reasons(list: readonly string[]): string {
  return list.length > 0 ? `: ${list.join('; ').replace(/\.$/, '')}` : '';
}

const restrictions: Record<string, string> = {
  BANNED: 'banned',
  RESTRICTED: 'restricted',
  FLAGGED: 'flagged',
  RATE_LIMITED: 'rate limited',
};

/** What is missing, by who acts next. */
type Findings = {
  /** Only the customer can do these. */
  yours: string[];
  /** We, or the other partner of a Multi-Partner Solution, do these for the account. */
  accountWaits: string[];
  /** Someone other than the customer does these for the signup's own number. */
  numberWaits: string[];
  /** Why no number sends when that is the nature of the signup (no number shared). */
  connected: string | null;
};

function otherPartnerName(input: OutcomeInput): string {
  const solution = input.snapshot?.solution;
  if (solution?.partner) return solution.partner;
  if (solution?.solutionName) return `the other partner in “${solution.solutionName}”`;
  return 'your other provider';
}

/** Why the signup's own number cannot send, and who acts next. */
function explainNumber(phone: PhoneSnapshot, input: OutcomeInput, found: Findings): void {
  const solution = input.snapshot?.solution;
  const health = input.snapshot?.waba.health;
  const name = numberName(phone);
  if (!isRegistered(phone)) {
    const restriction = phone.status ? restrictions[phone.status] : undefined;
    if (restriction) {
      found.yours.push(`Meta has ${restriction} ${name}: WhatsApp Manager (${whatsAppManagerUrl}) shows why and what you can do.`);
    } else if (solution && !solution.messaging) {
      found.numberWaits.push(`${capitalised(otherPartnerName(input))} will finish registering ${name}; it can send messages once they have.`);
    } else if (input.flow === 'waba_only') {
      found.connected = `${capitalised(name)} is not registered for messaging yet. Ask us to register it when you want to start messaging.`;
    } else if (phone.isOnBizApp) {
      found.numberWaits.push(`Meta has not connected ${name} from the WhatsApp Business app yet; our team will check it.`);
    } else {
      found.numberWaits.push(`Meta has not finished registering ${name} yet; our team will check it.`);
    }
    return;
  }
  const own = phoneHealth(health, phone.id);
  if (own?.can_send_message === 'BLOCKED') {
    const why = (own.errors ?? []).map((e) => e.error_description).filter((d): d is string => Boolean(d));
    found.numberWaits.push(`Meta reports that ${name} cannot send messages yet${reasons(why)}. Our team will look into it.`);
  }
}

export type OutcomeInput = { flow: SignupFlow; partnerType: PartnerType; snapshot: StatusSnapshot | null };

export function decideOutcome(input: OutcomeInput): Outcome {
  if (isReadOnly(input)) return { status: 'connected', message: readOnlyMessage };
  const { snapshot } = input;
  if (!snapshot) {
    return { status: 'waiting_on_partner', message: 'We could not read your account’s status from Meta yet; our team will check it and finish your setup.' };
  }
  const { waba } = snapshot;
  const multiPartner = input.flow === 'mps' || Boolean(snapshot.solution);
  const found: Findings = { yours: [], accountWaits: [], numberWaits: [], connected: null };

  if (waba.accountReviewStatus === 'REJECTED') {
    found.yours.push(`Meta rejected your WhatsApp Business Account in its review: request another review in WhatsApp Manager (${whatsAppManagerUrl}).`);
  }
  // Solution Partners' and Multi-Partner Solution customers use the Solution Partner's credit line;
  // Tech Providers' and Tech Partners' customers add their own payment method (Meta: Solution
  // Providers; Multi-Partner Solutions, Billing). Meta reports either as primary_funding_id.
  if (!waba.primaryFundingId) {
    if (multiPartner && input.partnerType !== 'solution_partner') {
      found.accountWaits.push(`${capitalised(otherPartnerName(input))} will share its credit line with your account, so you do not need a payment method.`);
    } else if (multiPartner || input.partnerType === 'solution_partner') {
      found.accountWaits.push('Our credit line does not show on your account yet; our team will check it. You do not need a payment method.');
    } else {
      found.yours.push(`Add a payment method in WhatsApp Manager (${whatsAppManagerUrl}) so that messages can be sent.`);
    }
  } else {
    const blocks = accountBlocks(waba.health);
    if (blocks && waba.accountReviewStatus !== 'REJECTED') {
      found.accountWaits.push(`Meta reports that your account cannot send messages yet${reasons(blocks)}. Our team will look into it.`);
    }
  }

  const phones = snapshot.phones ?? (snapshot.phone ? [snapshot.phone] : []);
  const sender = phones.find((p) => canSend(p, waba.health));
  const own = phones[0];
  if (!own) found.connected = `Add a phone number to your WhatsApp Business Account in WhatsApp Manager (${whatsAppManagerUrl}) to start messaging.`;
  else if (own !== sender) explainNumber(own, input, found);
  const name = (sender ?? own)?.nameStatus;
  if (name === 'DECLINED' || name === 'EXPIRED') {
    found.yours.push(`Meta did not approve your display name: choose a new one in WhatsApp Manager (${whatsAppManagerUrl}).`);
  }

  const rest = [...found.accountWaits, ...found.numberWaits, ...(found.connected ? [found.connected] : [])];
  if (found.yours.length > 0) return { status: 'action_needed', message: [...found.yours, ...rest].join(' ') };
  if (found.accountWaits.length > 0 || (!sender && found.numberWaits.length > 0)) return { status: 'waiting_on_partner', message: rest.join(' ') };
  if (!sender) return { status: 'connected', message: found.connected };

  // Live: the notes ask nothing of the customer.
  const notes = [...found.numberWaits];
  if (sender.nameStatus === 'PENDING_REVIEW') {
    notes.push('Your display name is under review by Meta. You can already send messages; your messaging limit goes up once it is approved.');
  }
  if (waba.accountReviewStatus === 'PENDING') notes.push('Meta is still reviewing your WhatsApp Business Account.');
  return { status: 'live', message: notes.join(' ') || null };
}

/** What the outcome needs, rebuilt from our rows (kept current by webhooks) and the last status read. */
function snapshotFromRows(
  waba: typeof wabas.$inferSelect,
  rows: (typeof phoneNumbers.$inferSelect)[],
  ownRowId: string | null,
  previous: StatusSnapshot | null,
): StatusSnapshot {
  const own = rows.find((r) => r.id === ownRowId);
  const phones = ownNumberFirst(
    rows.map((r) =>
      phoneSnapshot({
        id: r.metaPhoneNumberId,
        number: r.displayPhoneNumber,
        status: r.status,
        nameStatus: r.nameStatus,
        platformType: r.platformType,
        isOnBizApp: r.isOnBizApp,
      }),
    ),
    own?.metaPhoneNumberId,
  );
  const health = (waba.healthStatus as HealthStatus | null) ?? null;
  return {
    waba: {
      accountReviewStatus: waba.accountReviewStatus,
      primaryFundingId: waba.primaryFundingId,
      canSendMessage: health?.can_send_message ?? null,
      messagingLimit: waba.messagingLimit,
      health,
    },
    phone: phones.find((p) => p.id === own?.metaPhoneNumberId) ?? null,
    phones,
    phoneCount: phones.length,
    solution: previous?.solution ?? null,
  };
}

const finished: ReadonlySet<string> = new Set(finalStatuses);

/**
 * Meta decides some things after the pipeline ended (display name, account review): the latest
 * finished onboarding of the WABA is re-judged from what the webhooks stored, so the customer's page
 * says "You're live" or what is still needed, as it is now.
 */
export async function refreshOutcome(tx: Tx, wabaRowId: string): Promise<void> {
  const [session] = await tx
    .select()
    .from(onboardingSessions)
    .where(eq(onboardingSessions.wabaId, wabaRowId))
    .orderBy(desc(onboardingSessions.createdAt))
    .limit(1);
  if (!session || !finished.has(session.status)) return;
  const [waba] = await tx.select().from(wabas).where(eq(wabas.id, wabaRowId));
  if (!waba) return;
  const rows = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, wabaRowId));
  const [read] = await tx
    .select({ result: operationSteps.result })
    .from(operationSteps)
    .where(and(eq(operationSteps.runId, session.id), eq(operationSteps.name, 'read_status')));
  const outcome = decideOutcome({
    flow: session.flow,
    partnerType: asPartnerType(session.partnerType),
    snapshot: snapshotFromRows(waba, rows, session.phoneNumberId, (read?.result as StatusSnapshot | undefined) ?? null),
  });
  if (outcome.status === session.status && outcome.message === session.statusMessage) return;
  await tx
    .update(onboardingSessions)
    .set({ status: outcome.status, statusMessage: outcome.message, updatedAt: new Date() })
    .where(eq(onboardingSessions.id, session.id));
  await tx.insert(onboardingEvents).values({ sessionId: session.id, type: 'outcome.updated', data: outcome });
}
