import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { hasRole, requireRole } from '@/lib/auth';
import { otherFundedWabas } from '@/lib/accounts/commands';
import { offboardOperation, offboardUndo } from '@/lib/accounts/offboard';
import { metaStateOf, resolvedAttention, storedTokenOf } from '@/lib/accounts/state';
import { ourSystemUserId } from '@/lib/accounts/system-users';
import { publicUrl } from '@/lib/env';
import { wabaCurrencies } from '@/lib/meta/credit-lines';
import { graphSettings } from '@/lib/meta/graph';
import type { HealthStatus } from '@/lib/meta/wabas';
import { runsAbout } from '@/lib/operations/progress';
import { partnerType, readSetting } from '@/lib/settings';
import { webhookPath } from '@/lib/webhooks/receiver';
import { eventsForWaba } from '@/lib/webhooks/event-log';
import { findWaba, onboardingsOf, openAttention, phoneNumbersOf } from '@/lib/wabas';
import { OffboardForm, RefreshAccountForm } from './account-forms';
import { AccountPanel } from './panels/account-panel';
import { AttentionPanel } from './panels/attention-panel';
import { CreditPanel } from './panels/credit-panel';
import { HealthPanel } from './panels/health-panel';
import { OnboardingsPanel, TimelinePanel } from './panels/history-panels';
import { NumbersPanel } from './panels/numbers-panel';
import { OperationsPanel } from './panels/operations-panel';
import { Panel } from './panels/panel';
import { TokenPanel } from './panels/token-panel';
import { UsersPanel } from './panels/users-panel';
import { WebhookPanel } from './panels/webhook-panel';

export const metadata: Metadata = { title: 'WhatsApp account' };

export default async function WabaPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  const found = await findWaba(id);
  if (!found && /^\d{1,30}$/.test(id)) {
    // Webhooks can name a WABA we hold no record of (another partner's, or one never onboarded here).
    return (
      <>
        <PageHeader title={`WABA ${id}`} />
        <EmptyState title="No record of this account">
          Nothing was onboarded or stored for it.{' '}
          <Link className="underline" href={`/webhooks?waba=${id}`}>
            Its webhook events
          </Link>{' '}
          are in the event log.
        </EmptyState>
      </>
    );
  }
  if (!found) notFound();
  const { waba, business } = found;
  const canAct = hasRole(user, 'operator');
  const [numbers, sessions, attention, resolved, timeline, state, token, runs, partner, creditMethod, others] = await Promise.all([
    phoneNumbersOf(waba.id),
    onboardingsOf(waba.id),
    openAttention({ metaWabaId: waba.metaWabaId }),
    resolvedAttention(waba.metaWabaId),
    eventsForWaba(waba.metaWabaId),
    metaStateOf(waba.id),
    storedTokenOf(waba.id),
    runsAbout('waba', waba.metaWabaId, 10),
    partnerType(),
    readSetting('creditLines.method'),
    otherFundedWabas(waba),
  ]);
  const connected = waba.status === 'connected';
  const actNow = canAct && connected;

  return (
    <>
      <PageHeader title={waba.name ?? `WABA ${waba.metaWabaId}`}>
        <span data-testid="waba-meta-id" className="font-mono">
          {waba.metaWabaId}
        </span>
        {business ? ` · ${business.name ?? 'Business'} (${business.metaBusinessId})` : ''}
      </PageHeader>
      <nav className="mb-6 flex flex-wrap items-start gap-4 text-sm" aria-label="This account">
        <Link className="underline" href={`/wabas/${waba.metaWabaId}/analytics`}>
          Analytics
        </Link>
        {business ? (
          <Link className="underline" href={`/verification/${business.metaBusinessId}`}>
            Business verification
          </Link>
        ) : null}
        <Link className="underline" href={`/webhooks?waba=${waba.metaWabaId}`}>
          Webhook events
        </Link>
        {actNow ? (
          <div className="ml-auto">
            <RefreshAccountForm wabaId={waba.metaWabaId} />
          </div>
        ) : null}
      </nav>

      <div className="space-y-6">
        <AccountPanel waba={waba} business={business} state={state} />
        <AttentionPanel metaWabaId={waba.metaWabaId} open={attention} resolved={resolved} canAct={actNow} />
        <HealthPanel health={waba.healthStatus as HealthStatus | null} />
        <NumbersPanel metaWabaId={waba.metaWabaId} numbers={numbers} canAct={actNow} />
        <WebhookPanel
          metaWabaId={waba.metaWabaId}
          state={state}
          ourAppId={graphSettings().appId}
          suggestedOverride={new URL(webhookPath, publicUrl).toString()}
          canAct={actNow}
        />
        <UsersPanel metaWabaId={waba.metaWabaId} state={state} ourUserId={ourSystemUserId()} canAct={actNow} />
        {partner === 'solution_partner' ? (
          <CreditPanel waba={waba} state={state} currencies={wabaCurrencies} method={creditMethod} others={others} canAct={actNow} />
        ) : null}
        <TokenPanel metaWabaId={waba.metaWabaId} token={token} canAct={canAct} />
        <OperationsPanel runs={runs} />
        <OnboardingsPanel sessions={sessions} />
        <TimelinePanel metaWabaId={waba.metaWabaId} timeline={timeline} />
        {actNow ? (
          <Panel title="Offboard the customer" testId="waba-offboard" id="offboard">
            <OffboardForm
              wabaId={waba.metaWabaId}
              checklist={offboardOperation.steps.map((s) => ({ label: s.label.staff, undo: offboardUndo[s.name] ?? '' }))}
            />
          </Panel>
        ) : null}
      </div>
    </>
  );
}
