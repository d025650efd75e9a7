import Link from 'next/link';
import { EmptyState } from '@/components/empty-state';
import type { PhoneNumber } from '@/lib/db/schema';
import { PhoneNumberTable } from '../phone-number-rows';
import { Panel } from './panel';

/** A summary of the account's numbers; each number's page holds its console. */
export function NumbersPanel({ metaWabaId, numbers, canAct }: { metaWabaId: string; numbers: PhoneNumber[]; canAct: boolean }) {
  const registered = numbers.filter((n) => n.platformType === 'CLOUD_API').length;
  return (
    <Panel title="Phone numbers" testId="waba-numbers">
      <p className="mb-3 text-sm text-slate-700" data-testid="numbers-summary">
        {numbers.length} {numbers.length === 1 ? 'number' : 'numbers'}, {registered} registered for the Cloud API.
        {canAct ? (
          <>
            {' '}
            <Link className="underline" href={`/wabas/${metaWabaId}/numbers/new`}>
              Add a number
            </Link>
          </>
        ) : null}
      </p>
      {numbers.length === 0 ? (
        <EmptyState title="No phone numbers">This account has no phone number on record yet.</EmptyState>
      ) : (
        <PhoneNumberTable numbers={numbers} />
      )}
    </Panel>
  );
}
