import { describe, expect, it } from 'vitest';
import { decideOutcome, whatsAppManagerUrl, type OutcomeInput } from '@/lib/onboarding/outcome';
import type { PhoneSnapshot, StatusSnapshot } from '@/lib/onboarding/steps/read-status';

// The endings, judged from what Meta reports: one test per ending and per reason.

const ownId = '2300000000000010';

function phone(overrides: Partial<PhoneSnapshot> = {}): PhoneSnapshot {
  return { id: ownId, number: '+1 555-0100', status: 'CONNECTED', nameStatus: 'APPROVED', platformType: 'CLOUD_API', isOnBizApp: false, ...overrides };
}

function snapshot(overrides: { waba?: Partial<StatusSnapshot['waba']>; phones?: PhoneSnapshot[]; solution?: StatusSnapshot['solution'] } = {}): StatusSnapshot {
  const phones = overrides.phones ?? [phone()];
  return {
    waba: {
      accountReviewStatus: 'APPROVED',
      primaryFundingId: '4444444444444444',
      canSendMessage: 'AVAILABLE',
      messagingLimit: 'TIER_250',
      health: {
        can_send_message: 'AVAILABLE',
        entities: [
          ...phones.map((p) => ({ entity_type: 'PHONE_NUMBER', id: p.id, can_send_message: 'AVAILABLE' })),
          { entity_type: 'WABA', id: '2200000000000010', can_send_message: 'AVAILABLE' },
        ],
      },
      ...overrides.waba,
    },
    phone: phones[0] ?? null,
    phones,
    phoneCount: phones.length,
    solution: overrides.solution ?? null,
  };
}

function decide(input: Partial<OutcomeInput> & { snapshot: StatusSnapshot | null }) {
  return decideOutcome({ flow: 'default', partnerType: 'solution_partner', ...input });
}

const withoutMessaging = { solutionId: '7000000000000001', solutionName: 'Brew Tech x Onramp', messaging: false, partner: 'Brew Tech' };

describe('live', () => {
  it('is live when the number is CONNECTED on Cloud API, not BLOCKED, the account approved and funded', () => {
    expect(decide({ snapshot: snapshot() })).toEqual({ status: 'live', message: null });
  });

  it('is live with a note, and nothing to do, while Meta reviews the display name and the account', () => {
    const outcome = decide({
      snapshot: snapshot({ phones: [phone({ nameStatus: 'PENDING_REVIEW' })], waba: { accountReviewStatus: 'PENDING' } }),
    });
    expect(outcome.status).toBe('live');
    expect(outcome.message).toBe(
      'Your display name is under review by Meta. You can already send messages; your messaging limit goes up once it is approved. Meta is still reviewing your WhatsApp Business Account.',
    );
  });

  it("a Tech Provider's customer with their own payment method (primary_funding_id) is live", () => {
    expect(decide({ partnerType: 'tech_provider', snapshot: snapshot() }).status).toBe('live');
  });

  it('another number of the customer that can send makes it live, with a note on the number still being registered', () => {
    const other = phone({ id: '2300000000000099', number: '+1 555-0199' });
    const outcome = decide({
      flow: 'mps',
      snapshot: snapshot({ phones: [phone({ status: 'PENDING', platformType: 'NOT_APPLICABLE' }), other], solution: withoutMessaging }),
    });
    expect(outcome).toEqual({ status: 'live', message: 'Brew Tech will finish registering your number +1 555-0100; it can send messages once they have.' });
  });
});

describe('connected (not sending, nothing broken)', () => {
  it('WABA-only sharing without a number: connected, and told to add a phone number', () => {
    expect(decide({ flow: 'waba_only', snapshot: snapshot({ phones: [] }) })).toEqual({
      status: 'connected',
      message: `Add a phone number to your WhatsApp Business Account in WhatsApp Manager (${whatsAppManagerUrl}) to start messaging.`,
    });
  });

  it('WABA-only sharing with an unregistered number: connected, and told the number is not registered yet', () => {
    const outcome = decide({ flow: 'waba_only', snapshot: snapshot({ phones: [phone({ status: 'PENDING', platformType: 'NOT_APPLICABLE' })] }) });
    expect(outcome).toEqual({
      status: 'connected',
      message: 'Your number +1 555-0100 is not registered for messaging yet. Ask us to register it when you want to start messaging.',
    });
  });

  it('a Measurement Partner grant is read-only: connected, never live, whatever Meta reports', () => {
    for (const partnerType of ['measurement_partner', 'solution_partner'] as const) {
      const outcome = decide({ flow: 'measurement', partnerType, snapshot: snapshot() });
      expect(outcome.status).toBe('connected');
      expect(outcome.message).toContain('We cannot send messages for you');
    }
    expect(decide({ flow: 'default', partnerType: 'measurement_partner', snapshot: snapshot() }).status).toBe('connected');
  });
});

describe('waiting on a partner (nothing for the customer to do)', () => {
  it('a Multi-Partner signup whose messaging partner still has to register the number waits on that partner, by name', () => {
    const outcome = decide({
      flow: 'mps',
      snapshot: snapshot({ phones: [phone({ status: 'PENDING', platformType: 'NOT_APPLICABLE' })], solution: withoutMessaging }),
    });
    expect(outcome).toEqual({
      status: 'waiting_on_partner',
      message: 'Brew Tech will finish registering your number +1 555-0100; it can send messages once they have.',
    });
  });

  it('names the solution when Meta does not name the other partner', () => {
    const outcome = decide({
      flow: 'mps',
      snapshot: snapshot({ phones: [phone({ status: 'PENDING', platformType: 'NOT_APPLICABLE' })], solution: { ...withoutMessaging, partner: null } }),
    });
    expect(outcome.message).toBe(
      'The other partner in “Brew Tech x Onramp” will finish registering your number +1 555-0100; it can send messages once they have.',
    );
  });

  it("a Tech Provider's Multi-Partner customer is never asked for a payment method: the Solution Partner's credit line is awaited", () => {
    const outcome = decide({
      flow: 'mps',
      partnerType: 'tech_provider',
      snapshot: snapshot({ waba: { primaryFundingId: null }, solution: { ...withoutMessaging, messaging: true } }),
    });
    expect(outcome).toEqual({
      status: 'waiting_on_partner',
      message: 'Brew Tech will share its credit line with your account, so you do not need a payment method.',
    });
  });

  it('a Solution Partner whose credit line does not show on the account checks it; the customer is not asked to pay', () => {
    const outcome = decide({ snapshot: snapshot({ waba: { primaryFundingId: null } }) });
    expect(outcome.status).toBe('waiting_on_partner');
    expect(outcome.message).toBe('Our credit line does not show on your account yet; our team will check it. You do not need a payment method.');
  });

  it('a registered number that Meta BLOCKS waits on our team, with Meta’s reason', () => {
    const snap = snapshot();
    snap.waba.health = {
      can_send_message: 'BLOCKED',
      entities: [
        {
          entity_type: 'PHONE_NUMBER',
          id: ownId,
          can_send_message: 'BLOCKED',
          errors: [{ error_code: 141010, error_description: 'The number is not allowed to send.' }],
        },
      ],
    };
    expect(decide({ snapshot: snap })).toEqual({
      status: 'waiting_on_partner',
      message: 'Meta reports that your number +1 555-0100 cannot send messages yet: The number is not allowed to send. Our team will look into it.',
    });
  });

  it('an account Meta BLOCKS (not a review or billing problem) waits on our team', () => {
    const snap = snapshot();
    snap.waba.health!.entities!.push({
      entity_type: 'BUSINESS',
      id: '2100000000000010',
      can_send_message: 'BLOCKED',
      errors: [{ error_description: 'The business is restricted.' }],
    });
    const outcome = decide({ snapshot: snap });
    expect(outcome.status).toBe('waiting_on_partner');
    expect(outcome.message).toContain('Meta reports that your account cannot send messages yet: The business is restricted');
  });

  it('a number we registered that Meta has not connected yet waits on our team', () => {
    expect(decide({ snapshot: snapshot({ phones: [phone({ status: 'PENDING' })] }) })).toEqual({
      status: 'waiting_on_partner',
      message: 'Meta has not finished registering your number +1 555-0100 yet; our team will check it.',
    });
  });

  it('without a status read from Meta it is never live', () => {
    expect(decide({ snapshot: null }).status).toBe('waiting_on_partner');
  });
});

describe('action needed (only the customer can do it)', () => {
  it("a Tech Provider's customer without a payment method gets one true message with the WhatsApp Manager link", () => {
    const outcome = decide({
      partnerType: 'tech_provider',
      snapshot: snapshot({ phones: [phone({ nameStatus: 'PENDING_REVIEW' })], waba: { primaryFundingId: null, accountReviewStatus: 'PENDING' } }),
    });
    expect(outcome).toEqual({
      status: 'action_needed',
      message: `Add a payment method in WhatsApp Manager (${whatsAppManagerUrl}) so that messages can be sent.`,
    });
    expect(outcome.message).not.toContain('already send');
  });

  it('a Tech Partner customer without a payment method is asked for one too', () => {
    expect(decide({ partnerType: 'tech_partner', snapshot: snapshot({ waba: { primaryFundingId: null } }) }).status).toBe('action_needed');
  });

  it('an account REJECTED in review asks for another review', () => {
    const outcome = decide({ snapshot: snapshot({ waba: { accountReviewStatus: 'REJECTED' } }) });
    expect(outcome.status).toBe('action_needed');
    expect(outcome.message).toContain('request another review in WhatsApp Manager');
  });

  it('a declined display name asks for a new one', () => {
    const outcome = decide({ snapshot: snapshot({ phones: [phone({ nameStatus: 'DECLINED' })] }) });
    expect(outcome).toEqual({
      status: 'action_needed',
      message: `Meta did not approve your display name: choose a new one in WhatsApp Manager (${whatsAppManagerUrl}).`,
    });
  });

  it('a number Meta banned sends the customer to WhatsApp Manager', () => {
    const outcome = decide({ snapshot: snapshot({ phones: [phone({ status: 'BANNED' })] }) });
    expect(outcome.status).toBe('action_needed');
    expect(outcome.message).toContain('Meta has banned your number +1 555-0100');
  });

  it('what the customer must do comes first, then what others do, all in one message', () => {
    const outcome = decide({
      flow: 'waba_only',
      partnerType: 'tech_provider',
      snapshot: snapshot({ phones: [], waba: { primaryFundingId: null } }),
    });
    expect(outcome.status).toBe('action_needed');
    expect(outcome.message).toBe(
      `Add a payment method in WhatsApp Manager (${whatsAppManagerUrl}) so that messages can be sent. Add a phone number to your WhatsApp Business Account in WhatsApp Manager (${whatsAppManagerUrl}) to start messaging.`,
    );
  });
});
