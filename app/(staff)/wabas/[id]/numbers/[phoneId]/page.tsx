import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/empty-state';
import { MscPanel } from '@/components/numbers/msc-panel';
import { RunProgressBar, runStatusText, StepList } from '@/components/operations/step-list';
import { StatusBadge, When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import type { HealthStatus } from '@/lib/meta/wabas';
import { registrationBudget } from '@/lib/numbers/budget';
import {
  addRequestOf,
  approvedTemplates,
  findNumber,
  hasRecentTestMessage,
  numberEvents,
  pinStoredAt,
  runsForNumber,
  testMessagesOf,
  type FoundNumber,
  type NumberEvent,
  type TestMessageView,
} from '@/lib/numbers/queries';
import {
  canSendText,
  countryName,
  limitText,
  nameStatusText,
  numberStatusText,
  platformText,
  qualityEventText,
  qualityText,
  rejectionText,
  throughputText,
  utc,
  verificationText,
} from '@/lib/numbers/words';
import { maskPayload } from '@/lib/webhooks/event-log';
import {
  AutoRefresh,
  ChangePinForm,
  CodeForm,
  DeregisterForm,
  DisplayNameForm,
  RefreshForm,
  RegisterForm,
  SendCodeForm,
  TestMessageForm,
  WebhookOverrideForm,
} from '../number-forms';

export const metadata: Metadata = { title: 'Phone number' };

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label={title} data-testid={testId}>
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm">{children ?? <span className="text-slate-400">Not reported</span>}</dd>
    </div>
  );
}

function Raw({ value }: { value: unknown }) {
  return <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(maskPayload(value), null, 2)}</pre>;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function Health({ health }: { health: HealthStatus | undefined }) {
  if (!health) return <p className="text-sm text-slate-600">Meta has not reported this number’s health yet: read it from Meta.</p>;
  return (
    <div className="space-y-3 text-sm" data-testid="number-health" data-can-send={health.can_send_message}>
      <p>
        <StatusBadge status={health.can_send_message} label={canSendText(health.can_send_message) ?? health.can_send_message} /> overall: the worst of the
        number, its account, the business and our app.
      </p>
      <ul className="space-y-2">
        {(health.entities ?? []).map((entity) => (
          <li key={`${entity.entity_type}:${entity.id}`} className="rounded-md border border-slate-100 p-3" data-entity={entity.entity_type}>
            <p>
              <span className="font-medium">{entityNames[entity.entity_type] ?? entity.entity_type}</span>{' '}
              <span className="font-mono text-xs text-slate-500">{entity.id}</span>: {canSendText(entity.can_send_message) ?? entity.can_send_message}
            </p>
            {(entity.additional_info ?? []).map((info) => (
              <p key={info} className="text-slate-700">
                {info}
              </p>
            ))}
            {(entity.errors ?? []).map((error, i) => (
              <div key={i} className="mt-1 text-red-800" data-testid="health-error">
                <p>
                  {error.error_code !== undefined ? <span className="font-mono text-xs">Meta code {error.error_code}: </span> : null}
                  {error.error_description ?? 'Meta gave no description.'}
                </p>
                {error.possible_solution ? <p className="text-slate-700">What to do: {error.possible_solution}</p> : null}
              </div>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
}

const entityNames: Record<string, string> = {
  PHONE_NUMBER: 'This number',
  WABA: 'WhatsApp account',
  BUSINESS: 'Business portfolio',
  APP: 'Our app',
  MESSAGE_TEMPLATE: 'Template',
};

function WebhookRouting({ configuration }: { configuration: Record<string, unknown> | undefined }) {
  if (!configuration) return <p className="text-sm text-slate-600">Not reported: read the number from Meta.</p>;
  const phone = str(configuration.phone_number);
  const waba = str(configuration.whatsapp_business_account);
  const app = str(configuration.application);
  const receiver = phone ? 'this number’s own override' : waba ? 'the WhatsApp account’s override' : app ? 'our app’s callback URL' : null;
  return (
    <div className="space-y-1 text-sm" data-testid="webhook-routing">
      <p>{receiver ? `Messages webhooks for this number go to ${receiver}.` : 'Meta reports no callback URL for this number.'}</p>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Number override</dt>
        <dd className="break-all font-mono text-xs" data-testid="override-number">
          {phone ?? 'none'}
        </dd>
        <dt className="text-slate-500">Account override</dt>
        <dd className="break-all font-mono text-xs">{waba ?? 'none'}</dd>
        <dt className="text-slate-500">App callback</dt>
        <dd className="break-all font-mono text-xs">{app ?? 'none'}</dd>
      </dl>
      <p className="text-xs text-slate-500">The most specific one wins: number, then account, then app. Template and account webhooks always go to the app.</p>
    </div>
  );
}

function eventLine(event: NumberEvent): string {
  const v = event.value;
  if (event.field === 'phone_number_name_update') {
    const decision = str(v.decision) ?? 'updated';
    const reason = str(v.rejection_reason);
    return `Display name “${str(v.requested_verified_name) ?? '?'}”: ${decision.toLowerCase()}${reason ? ` (${rejectionText(reason)})` : ''}`;
  }
  const limit = str(v.max_daily_conversations_per_business) ?? str(v.current_limit);
  return `${qualityEventText(str(v.event)) ?? 'Quality update'}${limit ? `: limit ${limitText(limit)}` : ''}`;
}

/**
 * The current name with its review state, and a requested new one with its own: the webhooks keep
 * our row current (a decision about a requested name is stored on it too), Meta's read says what
 * the number shows today.
 */
function DisplayName({ phone, read }: { phone: FoundNumber['phone']; read: Record<string, unknown> }) {
  const requested = phone.requestedVerifiedName && phone.requestedVerifiedName !== phone.verifiedName ? phone.requestedVerifiedName : null;
  const shownByMeta = str(read.verified_name);
  const currentStatus = requested ? str(read.name_status) : phone.nameStatus;
  return (
    <>
      “{phone.verifiedName}”{currentStatus ? ` · ${nameStatusText(currentStatus)}` : ''}
      {!requested && phone.nameRejectionReason ? (
        <span className="block text-red-800" data-testid="name-rejection">
          Rejected: {rejectionText(phone.nameRejectionReason)}
        </span>
      ) : null}
      {requested ? (
        <span className="block" data-testid="requested-name">
          Requested: “{requested}” ·{' '}
          {phone.nameRejectionReason ? (
            <span className="text-red-800" data-testid="name-rejection">
              declined by Meta: {rejectionText(phone.nameRejectionReason)}
            </span>
          ) : (
            'in review at Meta'
          )}
        </span>
      ) : null}
      {shownByMeta && shownByMeta !== phone.verifiedName && phone.nameStatus === 'APPROVED' ? (
        <span className="block text-amber-800">
          Meta approved “{phone.verifiedName}” but still shows “{shownByMeta}”: re-register the number for the new name to show.
        </span>
      ) : null}
    </>
  );
}

const deliveryText: Record<string, string> = { sent: 'Sent', delivered: 'Delivered', read: 'Read', played: 'Played', failed: 'Failed' };

function TestMessages({ messages }: { messages: TestMessageView[] }) {
  if (messages.length === 0) return <p className="text-sm text-slate-600">No test message was sent from this number yet.</p>;
  return (
    <ul className="space-y-3 text-sm">
      {messages.map((m) => (
        <li key={m.messageId} className="rounded-md border border-slate-100 p-3" data-testid="test-message" data-status={m.status ?? 'accepted'}>
          <p>
            <span className="font-medium">+{m.recipient}</span> · {m.kind === 'template' ? `template ${m.templateName}` : 'text'} · <When at={m.createdAt} />
          </p>
          <p className="font-mono text-xs text-slate-500" data-testid="message-id">
            {m.messageId}
          </p>
          <ol className="mt-1 flex flex-wrap gap-2" aria-label="Delivery">
            <li className="text-slate-600">Accepted by Meta</li>
            {m.history.map((h) => (
              <li key={h.status} data-delivery={h.status}>
                → <StatusBadge status={h.status} label={deliveryText[h.status] ?? h.status} /> <span className="text-xs text-slate-500">{utc(h.at)}</span>
                {h.error ? (
                  <span className="block text-red-800" data-testid="delivery-error">
                    Meta’s code {h.error.code ?? '?'}: {h.error.title}
                    {h.error.details ? ` (${h.error.details})` : ''}
                    {h.error.code === '131047' ? ' Outside the 24-hour window only a template is delivered: send an approved template.' : ''}
                  </span>
                ) : null}
              </li>
            ))}
            {m.history.length === 0 ? <li className="text-slate-500">waiting for Meta’s first status…</li> : null}
          </ol>
        </li>
      ))}
    </ul>
  );
}

export default async function NumberPage({ params }: { params: Promise<{ id: string; phoneId: string }> }) {
  const user = await requireRole('viewer');
  const { id, phoneId } = await params;
  const found = await findNumber(id, phoneId);
  if (!found) notFound();
  const { waba, phone } = found;
  const read = (phone.lastRead ?? {}) as Record<string, unknown>;
  const [budget, events, runs, messages, templates, pinSince, recentMessage, addRequest] = await Promise.all([
    registrationBudget(phone.metaPhoneNumberId),
    numberEvents(waba.metaWabaId, phone.displayPhoneNumber),
    runsForNumber(waba.metaWabaId, phone.metaPhoneNumberId),
    testMessagesOf(waba.metaWabaId, phone.metaPhoneNumberId),
    approvedTemplates(waba.metaWabaId),
    pinStoredAt(phone.pinSecretId),
    hasRecentTestMessage(phone.metaPhoneNumberId),
    addRequestOf(waba.metaWabaId, phone.metaPhoneNumberId),
  ]);
  const canAct = hasRole(user, 'operator');
  const ref = { wabaId: waba.metaWabaId, phoneNumberId: phone.metaPhoneNumberId };
  const display = phone.displayPhoneNumber ?? phone.metaPhoneNumberId;
  const registered = phone.platformType === 'CLOUD_API' && phone.status === 'CONNECTED';
  const verified = phone.codeVerificationStatus === 'VERIFIED';
  const pinEnabled = typeof read.is_pin_enabled === 'boolean' ? read.is_pin_enabled : undefined;
  const working = runs.some((r) => r.status === 'running') || recentMessage;
  const region = phone.dataLocalizationRegion;

  return (
    <div className="space-y-6">
      {working ? <AutoRefresh /> : null}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm">
            <Link href={`/wabas/${waba.metaWabaId}`} className="text-slate-600 underline">
              {waba.name ?? `WABA ${waba.metaWabaId}`}
            </Link>
          </p>
          <PageHeader title={display}>
            {phone.verifiedName ?? 'No display name'} ·{' '}
            <span className="font-mono" data-testid="phone-meta-id">
              {phone.metaPhoneNumberId}
            </span>
          </PageHeader>
        </div>
        <div className="text-right text-sm text-slate-600">
          <p>
            Read from Meta: <When at={phone.syncedAt} empty="never" />
          </p>
          {canAct ? <RefreshForm {...ref} /> : null}
        </div>
      </div>

      <Section title="What Meta reports" testId="number-facts">
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <Fact label="Status" testId="fact-status">
            {phone.status ? <span data-value={phone.status}>{numberStatusText(phone.status)}</span> : null}
          </Fact>
          <Fact label="Registration" testId="fact-registration">
            {phone.platformType ? (
              <>
                {platformText(phone.platformType)}
                {registered && phone.registeredAt ? (
                  <span className="block text-xs text-slate-500">
                    since <When at={phone.registeredAt} />
                  </span>
                ) : null}
              </>
            ) : null}
          </Fact>
          <Fact label="Quality" testId="fact-quality">
            {qualityText(phone.qualityRating)}
          </Fact>
          <Fact label="Messaging limit" testId="fact-limit">
            {limitText(phone.currentLimit ?? waba.messagingLimit) ? (
              <>
                Business-initiated conversations with {limitText(phone.currentLimit ?? waba.messagingLimit)}
                <span className="block text-xs text-slate-500">{phone.currentLimit ? 'from Meta’s latest limit webhook' : 'the account’s limit'}</span>
              </>
            ) : null}
          </Fact>
          <Fact label="Throughput" testId="fact-throughput">
            {throughputText(phone.throughputLevel)}
          </Fact>
          <Fact label="Code verification" testId="fact-verification">
            {verificationText(phone.codeVerificationStatus)}
          </Fact>
          <Fact label="Display name" testId="fact-name">
            {phone.verifiedName ? <DisplayName phone={phone} read={read} /> : null}
          </Fact>
          <Fact label="Two-step verification" testId="fact-two-step">
            {pinEnabled === undefined ? 'Not reported' : pinEnabled ? 'On' : 'Off'}
            <span className="block text-xs text-slate-500">
              {pinSince ? (
                <>
                  We hold its PIN, encrypted, since <When at={pinSince} />.
                </>
              ) : (
                'We hold no PIN for it.'
              )}
              {phone.pendingPinSecretId ? ' A PIN change is not confirmed by Meta yet: change the PIN again to settle it.' : ''}
            </span>
          </Fact>
          <Fact label="Register and deregister requests" testId="fact-budget">
            <span data-testid="budget-used" data-used={budget.used}>
              {budget.used} of {budget.limit} used in the last 72 hours
            </span>
            <span className="block text-xs text-slate-500">
              Counted from our own calls.{' '}
              {budget.freesAt
                ? `Used up: the next request is possible at ${utc(budget.freesAt)}.`
                : budget.oldestLeavesAt
                  ? `The oldest leaves the window at ${utc(budget.oldestLeavesAt)}.`
                  : 'None in the window.'}
            </span>
          </Fact>
          <Fact label="WhatsApp Business app" testId="fact-coexistence">
            {phone.isOnBizApp
              ? 'Also used in the WhatsApp Business app (coexistence): the app keeps it registered; it cannot be registered or deregistered here.'
              : 'Not on the WhatsApp Business app'}
          </Fact>
          <Fact label="Local storage" testId="fact-region">
            {region ? `In ${countryName(region) ?? region} (${region}), as our last registration asked` : 'Not asked for at our last registration'}
            <span className="block text-xs text-slate-500">Meta does not report it; changing it needs a deregister and a new registration.</span>
          </Fact>
          <Fact label="Account mode">
            {str(read.account_mode) === 'SANDBOX' ? 'Sandbox (test number)' : str(read.account_mode) === 'LIVE' ? 'Live' : undefined}
          </Fact>
          <Fact label="Official business account">
            {typeof read.is_official_business_account === 'boolean' ? (read.is_official_business_account ? 'Yes (green badge)' : 'No') : undefined}
          </Fact>
          <Fact label="Country">
            {str(read.country_code) ? `${countryName(str(read.country_code)!) ?? str(read.country_code)} (+${str(read.country_dial_code) ?? '?'})` : undefined}
          </Fact>
          <Fact label="Last onboarded">{str(read.last_onboarded_time) ? <When at={new Date(str(read.last_onboarded_time)!)} /> : undefined}</Fact>
        </dl>
      </Section>

      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Health" testId="number-health-section">
          <Health health={read.health_status as HealthStatus | undefined} />
        </Section>
        <Section title="Webhooks for this number">
          <WebhookRouting configuration={read.webhook_configuration as Record<string, unknown> | undefined} />
          {canAct ? (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <WebhookOverrideForm {...ref} current={str((read.webhook_configuration as Record<string, unknown> | undefined)?.phone_number) ?? null} />
            </div>
          ) : null}
        </Section>
      </div>

      <MscPanel phoneNumberId={phone.metaPhoneNumberId} canEdit={canAct} />

      <details className="rounded-xl border border-slate-200 bg-white p-5" data-testid="raw-read">
        <summary className="cursor-pointer font-medium">Everything Meta last reported (raw)</summary>
        <div className="mt-3">{phone.lastRead ? <Raw value={phone.lastRead} /> : <p className="text-sm text-slate-600">Not read yet.</p>}</div>
      </details>

      {canAct ? (
        <div className="grid gap-6 lg:grid-cols-2" data-testid="number-actions">
          {!verified && !registered ? (
            <Section title="Verify the number" testId="verify-section">
              <p className="mb-3 text-sm text-slate-700">Meta needs the code it sends to the number before the number can be registered.</p>
              <CodeForm {...ref} defaultRegion={str(addRequest?.dataLocalizationRegion)} />
              <div className="mt-4 border-t border-slate-100 pt-4">
                <SendCodeForm {...ref} />
              </div>
            </Section>
          ) : null}
          {!phone.isOnBizApp && (verified || registered) ? (
            <Section title={registered ? 'Re-register' : 'Register'}>
              <RegisterForm {...ref} registered={registered} region={region} />
            </Section>
          ) : null}
          {!phone.isOnBizApp && registered ? (
            <Section title="Deregister">
              <DeregisterForm {...ref} display={display} />
            </Section>
          ) : null}
          {registered ? (
            <Section title="Two-step verification PIN">
              <ChangePinForm {...ref} />
            </Section>
          ) : null}
          <Section title="Display name">
            <p className="mb-3 text-sm text-slate-700">Meta reviews a new name; its decision shows on this page when it arrives.</p>
            <DisplayNameForm {...ref} />
          </Section>
          {registered ? (
            <Section title="Send a test message">
              <TestMessageForm {...ref} templates={templates} />
            </Section>
          ) : null}
        </div>
      ) : null}

      <Section title="Test messages" testId="test-messages">
        <TestMessages messages={messages} />
      </Section>

      <Section title="Quality, limit and name webhooks" testId="number-events">
        {events.length === 0 ? (
          <p className="text-sm text-slate-600">Meta has sent no quality, limit or display-name webhook about this number yet.</p>
        ) : (
          <ol className="divide-y divide-slate-100 text-sm">
            {events.map((e) => (
              <li key={e.id} className="flex flex-wrap gap-3 py-2" data-testid="number-event" data-field={e.field}>
                <span className="w-48 shrink-0 text-xs text-slate-500">
                  <When at={e.receivedAt} />
                </span>
                <span className="flex-1">{eventLine(e)}</span>
                <Link className="underline" href={`/webhooks/${e.id}`}>
                  Details
                </Link>
              </li>
            ))}
          </ol>
        )}
      </Section>

      <Section title="Operations" testId="number-runs">
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">No operation has run on this number from here.</p>
        ) : (
          <ul className="space-y-5">
            {runs.map((run, i) => (
              <li key={run.id} data-testid="number-run" data-operation={run.operation} data-status={run.status}>
                <p className="font-medium">
                  {run.title} · <When at={run.createdAt} />
                </p>
                {run.statusMessage ? <p className="text-sm text-slate-700">{run.statusMessage}</p> : null}
                {/* The newest runs with their steps; older ones in one line, their steps behind a disclosure. */}
                {i < 3 || run.status === 'running' ? (
                  <div className="mt-2 space-y-2">
                    <RunProgressBar progress={run} />
                    <StepList progress={run} />
                  </div>
                ) : (
                  <details className="mt-1 text-sm">
                    <summary className="cursor-pointer text-slate-600">
                      {run.settled} of {run.total} steps done · {runStatusText[run.status]}
                    </summary>
                    <div className="mt-2">
                      <StepList progress={run} />
                    </div>
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
