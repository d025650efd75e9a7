import { StatusBadge } from '@/components/staff/display';
import type { PhoneNumber } from '@/lib/db/schema';

// The WABA page's phone numbers, with what Meta last said about each number's quality and
// messaging limit (phone_number_quality_update) in words staff read at a glance.

const qualityEvents: Record<string, string> = {
  FLAGGED: 'flagged for low quality',
  UNFLAGGED: 'no longer flagged',
  UPGRADE: 'upgraded',
  DOWNGRADE: 'downgraded',
  THROUGHPUT_UPGRADE: 'throughput upgraded',
  ONBOARDING: 'new number, limit being set',
};

/** "TIER_10K", "10000" or "-1" (both forms come from Meta) as "10K conversations/day" or "unlimited". */
export function limitWords(limit: string): string {
  const tier = /^TIER_(\d+)(K?)$/i.exec(limit);
  if (tier) return `${tier[1]}${tier[2]!.toUpperCase()} conversations/day`;
  if (/^TIER_UNLIMITED$/i.test(limit) || limit === '-1') return 'unlimited';
  if (/^TIER_NOT_SET$/i.test(limit)) return 'not set yet';
  if (/^\d+$/.test(limit)) {
    const n = Number(limit);
    return `${n >= 1000 && n % 1000 === 0 ? `${n / 1000}K` : n} conversations/day`;
  }
  return limit.toLowerCase().replaceAll('_', ' ');
}

/** "Quality: upgraded; limit: 10K conversations/day", or undefined when Meta has sent neither. */
export function qualityLine(number: Pick<PhoneNumber, 'qualityEvent' | 'currentLimit'>): string | undefined {
  const parts: string[] = [];
  if (number.qualityEvent) parts.push(`Quality: ${qualityEvents[number.qualityEvent] ?? number.qualityEvent.toLowerCase().replaceAll('_', ' ')}`);
  if (number.currentLimit) parts.push(`${parts.length ? 'limit' : 'Limit'}: ${limitWords(number.currentLimit)}`);
  return parts.length ? parts.join('; ') : undefined;
}

export function PhoneNumberTable({ numbers }: { numbers: PhoneNumber[] }) {
  return (
    <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
      <thead className="bg-slate-50 text-left text-slate-600">
        <tr>
          <th className="px-3 py-2">Number</th>
          <th className="px-3 py-2">Verified name</th>
          <th className="px-3 py-2">Name status</th>
          <th className="px-3 py-2">Requested name / rejection</th>
          <th className="px-3 py-2">Quality and limit</th>
          <th className="px-3 py-2">Status</th>
          <th className="px-3 py-2">Platform</th>
          <th className="px-3 py-2">Business app</th>
        </tr>
      </thead>
      <tbody>
        {numbers.map((p) => {
          const quality = qualityLine(p);
          return (
            <tr key={p.id} className="border-t border-slate-100" data-testid="waba-number">
              <td className="px-3 py-2">
                {p.displayPhoneNumber ?? '—'}
                <span className="block font-mono text-xs text-slate-500">{p.metaPhoneNumberId}</span>
              </td>
              <td className="px-3 py-2">{p.verifiedName ?? '—'}</td>
              <td className="px-3 py-2" data-testid="name-status">
                <StatusBadge status={p.nameStatus} />
              </td>
              <td className="px-3 py-2">
                {p.requestedVerifiedName ?? '—'}
                {p.nameRejectionReason ? <span className="block text-xs text-red-700">{p.nameRejectionReason}</span> : null}
              </td>
              <td className="px-3 py-2" data-testid="number-quality">
                {p.qualityRating ?? (quality ? null : '—')}
                {quality ? (
                  <span className={`block text-xs ${p.qualityEvent === 'FLAGGED' || p.qualityEvent === 'DOWNGRADE' ? 'text-red-700' : 'text-slate-600'}`}>
                    {quality}
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2">{p.status ?? '—'}</td>
              <td className="px-3 py-2">{p.platformType ?? '—'}</td>
              <td className="px-3 py-2">{p.isOnBizApp ? 'Yes (coexistence)' : 'No'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
