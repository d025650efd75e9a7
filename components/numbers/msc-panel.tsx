import Link from 'next/link';
import { When } from '@/components/staff/display';
import { loadMscNumber, maxMscPartners, mscRefusal, type NumberAction } from '@/lib/numbers/msc';
import { ClearMscForm, RecordMscForm } from './msc-forms';

// A phone number's Multi-Solution Conversations state for staff (Meta: How to use Multi-Solution
// Conversations): whether it is shared, with how many partners, what that means, and which number
// actions it rules out. A server component: place it on the number's page with its Meta id.

const actionLabels: Record<Exclude<NumberAction, 'record_sharing'>, string> = {
  register: 'Register again',
  change_pin: 'Change the two-step PIN',
  deregister: 'Deregister',
  request_code: 'Send a verification code',
  verify_code: 'Verify a code',
  coexistence_sync: 'Sync WhatsApp Business app data',
};

export async function MscPanel({ phoneNumberId, canEdit }: { phoneNumberId: string; canEdit: boolean }) {
  const found = await loadMscNumber(phoneNumberId);
  if (!found) return null;
  const { number, share, arrivedRegistered } = found;
  const refused = (Object.keys(actionLabels) as Array<keyof typeof actionLabels>)
    .map((action) => ({ action, reason: mscRefusal(number, action) }))
    .filter((r) => r.reason !== null);
  return (
    <section data-testid="msc-panel" data-shared={share ? 'yes' : 'no'} className="rounded-xl border border-slate-200 bg-white p-5 text-sm">
      <h2 className="font-medium">Multi-Solution Conversations</h2>
      {share ? (
        <p className="mt-2" data-testid="msc-state">
          <span className="font-medium">Shared with {share.partnerCount} partners</span> (us included, at most {maxMscPartners}), recorded{' '}
          <When at={share.recordedAt} />
          {share.note ? ` · ${share.note}` : ''}.
        </p>
      ) : (
        <p className="mt-2" data-testid="msc-state">
          Not recorded as shared with other partners.
          {number.isOnBizApp ? ' Coexistence numbers cannot be shared through Multi-Solution Conversations.' : ''}
        </p>
      )}
      {!share && arrivedRegistered ? (
        <p data-testid="msc-hint" className="mt-2 rounded-md bg-sky-50 p-2 text-sky-900">
          Meta showed this number as already registered when the customer connected it, as a number shared through Multi-Solution Conversations arrives. Ask the
          customer whether other partners use it.
        </p>
      ) : null}
      {share ? (
        <ul className="mt-3 list-disc space-y-1 pl-5 text-slate-700">
          <li>
            Every partner sharing the number receives all of its incoming messages webhooks: Meta does not route conversations, so agree with the customer who
            answers what.
          </li>
          <li>Each partner has its own WABA, templates and billing; phone numbers are shared by all of them.</li>
          <li>A phone number violation bans the WABAs of every partner on the number.</li>
        </ul>
      ) : null}
      {refused.length > 0 ? (
        <div className="mt-3" data-testid="msc-refused-actions">
          <h3 className="text-xs uppercase tracking-wide text-slate-500">Not allowed on this number</h3>
          <ul className="mt-1 space-y-1">
            {refused.map((r) => (
              <li key={r.action} data-action={r.action}>
                <span className="font-medium">{actionLabels[r.action]}:</span> {r.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {canEdit && !number.isOnBizApp ? (
        <div className="mt-4 flex flex-wrap items-start gap-8 border-t border-slate-100 pt-4">
          <RecordMscForm phoneNumberId={phoneNumberId} partnerCount={share?.partnerCount} note={share?.note} />
          {share ? <ClearMscForm phoneNumberId={phoneNumberId} /> : null}
        </div>
      ) : null}
      <p className="mt-3 text-xs text-slate-500">
        Meta: How to use Multi-Solution Conversations.{' '}
        <Link className="underline" href={`/wabas/${found.metaWabaId}`}>
          WABA {found.metaWabaId}
        </Link>
      </p>
    </section>
  );
}
