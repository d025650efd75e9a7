import Link from 'next/link';
import { StatusBadge, When } from '@/components/staff/display';
import type { Waba, WabaMetaState } from '@/lib/db/schema';
import { banText, businessVerificationText, connectionText, ownershipText, reviewText } from '@/lib/accounts/words';
import { countryName, limitText } from '@/lib/numbers/words';
import { Fact, Panel, RawDisclosure } from './panel';

type Business = { name: string | null; metaBusinessId: string; verificationStatus: string | null; customerReference: string | null } | null;

function banState(waba: Waba): string | null {
  const flag = waba.flags.DISABLED_UPDATE?.value as { waba_ban_state?: string; waba_ban_date?: string } | undefined;
  const state = waba.banState ?? flag?.waba_ban_state ?? null;
  if (!state) return null;
  const words = banText(state);
  return flag?.waba_ban_date && state === 'SCHEDULE_FOR_DISABLE' ? `${words} on ${flag.waba_ban_date}` : words;
}

function restrictionLines(restrictions: unknown): string[] {
  if (!Array.isArray(restrictions)) return [];
  return restrictions.map((r: { restriction_type?: string; expiration?: string | number }) => {
    // Meta gives the expiry in Unix seconds.
    const until = typeof r.expiration === 'number' ? `${new Date(r.expiration * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : r.expiration;
    return [r.restriction_type?.toLowerCase().replaceAll('_', ' ') ?? 'restriction', until ? `until ${until}` : null].filter(Boolean).join(' ');
  });
}

/** Meta's own value beside our words, for staff who quote it to Meta. */
function MetaValue({ value }: { value: string | null }) {
  return value ? <span className="block font-mono text-xs text-slate-500">{value}</span> : null;
}

export function AccountPanel({ waba, business, state }: { waba: Waba; business: Business; state: WabaMetaState | undefined }) {
  const restrictions = restrictionLines(waba.restrictions);
  const verification = waba.businessVerificationStatus ?? business?.verificationStatus ?? null;
  return (
    <Panel title="Account" testId="waba-facts" readAt={waba.syncedAt}>
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Connection" testId="waba-status">
          <StatusBadge status={waba.status} label={connectionText(waba.status) ?? undefined} />
          {waba.disconnectedAt ? (
            <span className="block text-xs text-slate-500">
              since <When at={waba.disconnectedAt} />
            </span>
          ) : null}
        </Fact>
        <Fact label="Account review" testId="waba-review">
          {reviewText(waba.accountReviewStatus)}
          <MetaValue value={waba.accountReviewStatus} />
        </Fact>
        <Fact label="Business verification" testId="waba-verification">
          {businessVerificationText(verification)}
          <MetaValue value={verification} />
          {business ? (
            <Link className="ml-1 text-xs underline" href={`/verification/${business.metaBusinessId}`}>
              Verification
            </Link>
          ) : null}
        </Fact>
        <Fact label="Ban" testId="waba-ban">
          {banState(waba) ?? 'No ban'}
        </Fact>
        <Fact label="Restrictions" testId="waba-restrictions">
          {restrictions.length ? restrictions.join('; ') : 'None reported'}
        </Fact>
        <Fact label="Messaging limit">{limitText(waba.messagingLimit)}</Fact>
        <Fact label="Country">{waba.country ? `${countryName(waba.country) ?? waba.country} (${waba.country})` : null}</Fact>
        <Fact label="Currency" testId="waba-currency">
          {waba.currency}
        </Fact>
        <Fact label="Time zone">{waba.timezoneId ? `Meta time zone ${waba.timezoneId}` : null}</Fact>
        <Fact label="Ownership">{ownershipText(waba.ownershipType)}</Fact>
        <Fact label="Business portfolio">{business ? `${business.name ?? 'Unnamed'} (${business.metaBusinessId})` : null}</Fact>
        <Fact label="Your customer reference">{business?.customerReference}</Fact>
      </dl>
      <RawDisclosure value={state?.raw} />
    </Panel>
  );
}
