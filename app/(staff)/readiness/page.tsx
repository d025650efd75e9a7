import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { EmptyState, PageHeader } from '@/components/empty-state';
import { Bar } from '@/components/ui/bar';
import { requireRole } from '@/lib/auth';
import { programRefusal, programSettings } from '@/lib/programs';
import { readinessFigures, type Contributor } from '@/lib/readiness/figures';

export const metadata: Metadata = { title: 'Tech Partner readiness' };

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });

/** This period against the previous one, in words and an arrow. */
function Trend({ current, previous, format, testId }: { current: number | null; previous: number | null; format: (n: number) => string; testId: string }) {
  if (current === null || previous === null) {
    return (
      <p data-testid={testId} className="text-xs text-slate-500">
        No earlier figure to compare with yet.
      </p>
    );
  }
  const delta = current - previous;
  const tone = delta > 0 ? 'text-brand-700' : delta < 0 ? 'text-red-700' : 'text-slate-600';
  const arrow = delta > 0 ? '▲' : delta < 0 ? '▼' : '■';
  return (
    <p data-testid={testId} data-direction={delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat'} className={`text-xs ${tone}`}>
      {arrow} {delta === 0 ? 'same as' : `${delta > 0 ? 'up' : 'down'} from`} {format(previous)} in the previous period
    </p>
  );
}

function Meter({
  title,
  testId,
  value,
  target,
  met,
  children,
}: {
  title: string;
  testId: string;
  value: ReactNode;
  target: string;
  met: boolean;
  children: ReactNode;
}) {
  return (
    <section data-testid={testId} data-met={met} className="rounded-xl border border-slate-200 bg-white p-5">
      <div className="flex items-baseline justify-between gap-2">
        <h2 className="font-medium">{title}</h2>
        <span
          className={`shrink-0 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${met ? 'bg-brand-50 text-brand-700' : 'bg-amber-50 text-amber-800'}`}
        >
          {met ? 'Met' : 'Not yet'}
        </span>
      </div>
      <p className="mt-2">
        <span data-testid={`${testId}-value`} className="text-3xl font-semibold">
          {value}
        </span>{' '}
        <span className="text-sm text-slate-500">needed: {target}</span>
      </p>
      {children}
    </section>
  );
}

function Contributors({ title, rows, unit, testId }: { title: string; rows: Contributor[]; unit: string; testId: string }) {
  return (
    <div className="mt-4">
      <h3 className="text-xs uppercase tracking-wide text-slate-500">{title}</h3>
      {rows.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">None in this period.</p>
      ) : (
        <ol data-testid={testId} className="mt-1 space-y-1 text-sm">
          {rows.map((r) => (
            <li
              key={r.metaBusinessId ?? 'unknown'}
              className="flex justify-between gap-2"
              data-testid="contributor"
              data-business={r.metaBusinessId ?? undefined}
            >
              <span className="truncate">{r.name ?? (r.metaBusinessId ? `Business ${r.metaBusinessId}` : 'Numbers not on record')}</span>
              <span className="shrink-0 tabular-nums text-slate-600">
                {whole.format(r.messages)} {unit}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export default async function ReadinessPage() {
  await requireRole('viewer');
  const refusal = programRefusal('readiness', await programSettings());
  if (refusal) {
    return (
      <>
        <PageHeader title="Tech Partner readiness" />
        <EmptyState title="Not available for your partner type">{refusal}</EmptyState>
      </>
    );
  }
  const f = await readinessFigures();
  const qualityShare = f.quality.share;
  return (
    <>
      <PageHeader title="Tech Partner readiness">
        How close you are to Meta’s requirements for upgrading from Tech Provider to Tech Partner, from the messages and numbers Onramp sees (UTC days up to{' '}
        {f.today}).
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <Meter
          title="Average daily messages, last 7 days"
          testId="readiness-messages"
          value={oneDecimal.format(f.messages.average)}
          target={whole.format(f.messages.target)}
          met={f.messages.average >= f.messages.target}
        >
          <div className="mt-2">
            <Bar value={f.messages.average} max={f.messages.target} label="Average daily messages against 2,500" />
          </div>
          <p className="mt-2 text-xs text-slate-500">
            {whole.format(f.messages.total)} messages sent or received from {f.messages.window.from} to {f.messages.window.to}.
          </p>
          <Trend testId="readiness-messages-trend" current={f.messages.average} previous={f.messages.previousAverage} format={(n) => oneDecimal.format(n)} />
          <Contributors title="Customers contributing most" rows={f.messages.contributors} unit="messages" testId="readiness-messages-contributors" />
        </Meter>

        <Meter
          title="Active customers, last 30 days"
          testId="readiness-customers"
          value={f.activeCustomers.current}
          target={String(f.activeCustomers.target)}
          met={f.activeCustomers.current >= f.activeCustomers.target}
        >
          <div className="mt-2">
            <Bar value={f.activeCustomers.current} max={f.activeCustomers.target} label="Active customers against 10" />
          </div>
          <p className="mt-2 text-xs text-slate-500">
            Customers whose numbers sent at least one message from {f.activeCustomers.window.from} to {f.activeCustomers.window.to}.
          </p>
          <Trend testId="readiness-customers-trend" current={f.activeCustomers.current} previous={f.activeCustomers.previous} format={(n) => whole.format(n)} />
          <Contributors title="Most active customers" rows={f.activeCustomers.contributors} unit="sent" testId="readiness-customers-contributors" />
        </Meter>

        <Meter
          title="Phone number quality"
          testId="readiness-quality"
          value={qualityShare === null ? '—' : percent.format(qualityShare)}
          target="90% rated GREEN"
          met={qualityShare !== null && qualityShare >= f.quality.target}
        >
          <div className="mt-2">
            <Bar
              value={qualityShare ?? 0}
              max={1}
              tone={qualityShare !== null && qualityShare < f.quality.target ? 'red' : 'brand'}
              label="Share of numbers rated GREEN against 90%"
            />
          </div>
          <p className="mt-2 text-xs text-slate-500">
            {f.quality.green} of {f.quality.rated} rated numbers are GREEN (high quality) as Meta last reported them
            {f.quality.unrated > 0 ? `; ${f.quality.unrated} not rated yet` : ''}.
          </p>
          <Trend testId="readiness-quality-trend" current={qualityShare} previous={f.quality.previousShare} format={(n) => percent.format(n)} />
          <div className="mt-4">
            <h3 className="text-xs uppercase tracking-wide text-slate-500">Numbers below GREEN</h3>
            {f.quality.notGreen.length === 0 ? (
              <p className="mt-1 text-sm text-slate-500">None.</p>
            ) : (
              <ul data-testid="readiness-quality-numbers" className="mt-1 space-y-1 text-sm">
                {f.quality.notGreen.slice(0, 10).map((n) => (
                  <li key={n.metaPhoneNumberId} className="flex justify-between gap-2">
                    <span className="truncate">
                      {n.displayPhoneNumber ?? n.metaPhoneNumberId} · {n.businessName ?? n.metaBusinessId ?? `WABA ${n.metaWabaId}`}
                    </span>
                    <span className={n.rating === 'RED' ? 'text-red-700' : 'text-amber-700'}>{n.rating}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </Meter>
      </div>

      <section className="mt-8 max-w-3xl rounded-xl border border-slate-200 bg-white p-5" data-testid="readiness-steps">
        <h2 className="font-medium">Upgrading, once the figures are met</h2>
        <p className="mt-1 text-sm text-slate-600">
          Meta also asks that you finished every Tech Provider Get Started step. These figures come from what Onramp sees; Meta’s own count may differ. Getting
          through Meta’s approvals usually takes a few weeks.
        </p>
        <ol className="mt-3 list-decimal space-y-1 pl-5 text-sm">
          <li>In the App Dashboard open WhatsApp › Quickstart and, under Become a Partner, choose Take the next step.</li>
          <li>On the Onboarding page choose Become a Partner to see the remaining steps, and fill in your business details carefully.</li>
          <li>Apply to become a Meta Business Partner with the WhatsApp specialty.</li>
          <li>Sign up for the Partner Portal with your name and business id.</li>
          <li>Enrol in the Business Messaging Accelerate program and sign its agreement in the Partner Portal.</li>
        </ol>
        <p className="mt-3 text-xs text-slate-500">Meta: Upgrading to a Tech Partner.</p>
      </section>
    </>
  );
}
