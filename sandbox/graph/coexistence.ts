import { e164Digits, type BizAppAccount, type PhoneNumber, type Sandbox } from '../state';
import { emitChange } from '../webhooks';
import { authenticate, loadPhone, requireKind } from './auth';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { invalidParameter, missingParameter, whatsappError } from './errors';

const SYNC_WINDOW_MS = 24 * 3600 * 1000;

function bizAppOf(sb: Sandbox, phone: PhoneNumber): BizAppAccount | undefined {
  for (const business of Object.values(sb.state.businesses)) {
    const account = business.bizApps.find((a) => a.phoneNumberId === phone.id);
    if (account) return account;
  }
  return undefined;
}

/** POST /{phone-number-id}/smb_app_data (Meta: Onboarding WhatsApp Business app users): each sync once, within 24 h of onboarding. */
export function requestSmbSync(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  requireKind(token, ['business', 'system'], 'smb_app_data');
  const { phone, waba } = loadPhone(ctx, token, id, 'manage');
  const product = stringParam(ctx, 'messaging_product');
  const syncType = stringParam(ctx, 'sync_type');
  if (product !== 'whatsapp') throw missingParameter('messaging_product');
  if (!syncType) throw missingParameter('sync_type');
  if (syncType !== 'smb_app_state_sync' && syncType !== 'history') throw invalidParameter('sync_type must be smb_app_state_sync or history');
  const coexistence = phone.coexistence;
  if (!phone.isOnBizApp || !coexistence) throw invalidParameter('This phone number was not onboarded from the WhatsApp Business app.');
  if (coexistence.syncs[syncType])
    throw whatsappError(2593107, 'Synchronization already requested', `A ${syncType} synchronization was already requested for this number.`);
  if (sb.clock.now() - coexistence.onboardedAt > SYNC_WINDOW_MS) {
    throw whatsappError(
      2593108,
      'Synchronization window has passed',
      'Synchronization must be requested within 24 hours of onboarding; offboard the customer and onboard again.',
    );
  }
  const requestId = sb.rng.ids.hex(32);
  coexistence.syncs[syncType] = requestId;
  const account = bizAppOf(sb, phone);
  const metadata = { display_phone_number: e164Digits(phone), phone_number_id: phone.id };
  if (syncType === 'smb_app_state_sync') {
    emitChange(sb, {
      field: 'smb_app_state_sync',
      entryId: waba.id,
      wabaId: waba.id,
      phoneNumberId: phone.id,
      value: {
        messaging_product: 'whatsapp',
        metadata,
        state_sync: (account?.contacts ?? []).map((c) => ({
          type: 'contact',
          action: 'add',
          contact: { full_name: c.fullName, first_name: c.firstName, phone_number: c.phone },
          metadata: { timestamp: String(sb.clock.nowSeconds()) },
        })),
      },
    });
  } else if (!coexistence.historyShared) {
    emitChange(sb, {
      field: 'history',
      entryId: waba.id,
      wabaId: waba.id,
      phoneNumberId: phone.id,
      value: {
        messaging_product: 'whatsapp',
        metadata,
        history: [
          {
            errors: [
              {
                code: 2593109,
                title: 'History sync is turned off by the business',
                message: 'History sync is turned off by the business',
                error_data: { details: 'The business chose not to share chat history.' },
              },
            ],
          },
        ],
      },
    });
  } else {
    const messages = account?.messages ?? [];
    const byContact = new Map<string, typeof messages>();
    for (const m of messages) {
      const other = m.from === e164Digits(phone) ? m.to : m.from;
      byContact.set(other, [...(byContact.get(other) ?? []), m]);
    }
    const threads = [...byContact.entries()].map(([contact, list]) => ({
      id: contact,
      messages: list.map((m) => ({
        from: m.from,
        to: m.to,
        id: `wamid.HBgL${sb.rng.webhooks.alnum(40)}`,
        timestamp: String(Math.floor(m.at / 1000)),
        type: 'text',
        text: { body: m.text },
        history_context: { status: m.from === e164Digits(phone) ? 'READ' : 'DELIVERED' },
      })),
    }));
    // Phases 0-2 (Meta: Onboarding WhatsApp Business app users); progress 100 marks the end.
    [0, 1, 2].forEach((phase) => {
      emitChange(sb, {
        field: 'history',
        entryId: waba.id,
        wabaId: waba.id,
        phoneNumberId: phone.id,
        value: {
          messaging_product: 'whatsapp',
          metadata,
          history: [{ metadata: { phase, chunk_order: 1, progress: phase === 2 ? 100 : (phase + 1) * 33 }, threads: phase === 0 ? threads : [] }],
        },
      });
    });
  }
  return { messaging_product: 'whatsapp', request_id: requestId };
}
