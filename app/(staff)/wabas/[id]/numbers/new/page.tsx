import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { PageHeader } from '@/components/empty-state';
import { RunProgressBar, StepList } from '@/components/operations/step-list';
import { When } from '@/components/staff/display';
import { hasRole, requireRole } from '@/lib/auth';
import { addNumberFlow, findWabaRow } from '@/lib/numbers/queries';
import type { RunProgress } from '@/lib/operations/progress';
import { AddNumberForm, AutoRefresh, CodeForm, SendCodeForm } from '../number-forms';

export const metadata: Metadata = { title: 'Add a phone number' };

// Adding a number outside Embedded Signup, in Meta's four steps: create, send the code, verify the
// code, register. The first run stops at "code sent"; entering the code starts the second.

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label={title} data-testid={testId}>
      <h2 className="mb-3 font-medium">{title}</h2>
      {children}
    </section>
  );
}

function Run({ run }: { run: RunProgress }) {
  return (
    <div className="space-y-2" data-testid="flow-run" data-operation={run.operation} data-status={run.status}>
      <p className="text-sm">
        <span className="font-medium">{run.title}</span> · started <When at={run.createdAt} />
      </p>
      {run.statusMessage ? (
        <p className="text-sm text-slate-700" data-testid="flow-message">
          {run.statusMessage}
        </p>
      ) : null}
      <RunProgressBar progress={run} />
      <StepList progress={run} />
    </div>
  );
}

export default async function AddNumberPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ run?: string }> }) {
  const user = await requireRole('viewer');
  const { id } = await params;
  const { run: runId } = await searchParams;
  const found = await findWabaRow(id);
  if (!found) notFound();
  const { waba } = found;
  const canAct = hasRole(user, 'operator');
  const back = (
    <p className="text-sm">
      <Link href={`/wabas/${waba.metaWabaId}`} className="text-slate-600 underline">
        {waba.name ?? `WABA ${waba.metaWabaId}`}
      </Link>
    </p>
  );

  if (!runId) {
    return (
      <div className="max-w-2xl space-y-6">
        {back}
        <PageHeader title="Add a phone number">
          Meta sends a code to the number by SMS or voice call; you (or the customer beside you) enter it here, and the number is registered with its own random
          PIN.
        </PageHeader>
        {canAct ? (
          <Section title="The number">
            <AddNumberForm wabaId={waba.metaWabaId} />
          </Section>
        ) : (
          <p className="text-sm text-slate-700">Only operators and admins add phone numbers.</p>
        )}
        <p className="text-sm text-slate-600">
          Meta recommends that customers add further numbers by running Embedded Signup again; use this when they cannot, or for a number added in WhatsApp
          Manager.
        </p>
      </div>
    );
  }

  const flow = await addNumberFlow(waba.metaWabaId, runId);
  if (!flow) notFound();
  const { run, phone, phoneNumberId, later } = flow;
  const codeSent =
    run.status === 'done' && !(run.steps.find((s) => s.name === 'request_code')?.result as { alreadyVerified?: boolean } | null)?.alreadyVerified;
  const registered = phone?.platformType === 'CLOUD_API' && phone.status === 'CONNECTED';
  const verifying = later.some((r) => r.status === 'running');
  const working = run.status === 'running' || verifying;
  const numberPage = phoneNumberId ? `/wabas/${waba.metaWabaId}/numbers/${phoneNumberId}` : null;
  const request = run.steps.find((s) => s.name === 'create_number');

  return (
    <div className="max-w-4xl space-y-6">
      {working ? <AutoRefresh /> : null}
      {back}
      <PageHeader title={phone?.displayPhoneNumber ? `Adding ${phone.displayPhoneNumber}` : 'Adding a phone number'}>
        {phone?.verifiedName
          ? `Display name “${phone.verifiedName}”`
          : request?.status === 'failed'
            ? 'Meta did not add the number.'
            : 'Adding the number at Meta…'}
      </PageHeader>

      <Section title="1. Add the number and send the code" testId="flow-step-request">
        <Run run={run} />
      </Section>

      {codeSent && phone && !registered && phone.codeVerificationStatus !== 'VERIFIED' ? (
        <Section title="2. Enter the code" testId="flow-step-code">
          {canAct ? (
            <div className="grid gap-6 md:grid-cols-2">
              <CodeForm wabaId={waba.metaWabaId} phoneNumberId={phone.metaPhoneNumberId} defaultRegion={flow.dataLocalizationRegion} />
              <div className="border-t border-slate-100 pt-4 md:border-l md:border-t-0 md:pl-6 md:pt-0">
                <p className="mb-3 text-sm text-slate-700">No code arrived, or Meta refused it? Ask for a new one; only the newest code works.</p>
                <SendCodeForm wabaId={waba.metaWabaId} phoneNumberId={phone.metaPhoneNumberId} />
              </div>
            </div>
          ) : (
            <p className="text-sm text-slate-700">Waiting for an operator to enter the code.</p>
          )}
        </Section>
      ) : null}

      {later.length > 0 ? (
        <Section title="3. Verify and register" testId="flow-step-register">
          <ul className="space-y-6">
            {later.map((r) => (
              <li key={r.id}>
                <Run run={r} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      {registered && numberPage ? (
        <div className="rounded-xl border border-brand-200 bg-brand-50 p-5 text-sm" data-testid="flow-done">
          {phone?.displayPhoneNumber} is registered for the Cloud API.{' '}
          <Link href={numberPage} className="font-medium underline">
            Open the number’s page
          </Link>
        </div>
      ) : numberPage ? (
        <p className="text-sm">
          <Link href={numberPage} className="underline">
            The number’s page
          </Link>
        </p>
      ) : null}
    </div>
  );
}
