import type { Metadata } from 'next';
import { PageHeader } from '@/components/empty-state';
import { Facts } from '@/components/staff/display';
import { requireRole } from '@/lib/auth';
import { metaConfig } from '@/lib/env';
import { partnerTypeLabels, partnerTypes, readSetting, solutionPartnerTierLabels, solutionPartnerTiers } from '@/lib/settings';
import { SettingsForm } from './settings-form';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  await requireRole('admin');
  const [partnerType, revokeCreditLine, partnerName, supportContact, solutionPartnerTier, creditLineMethod, retentionDays] = await Promise.all([
    readSetting('partner.type'),
    readSetting('webhooks.revokeCreditLineOnPartnerRemoved'),
    readSetting('partner.name'),
    readSetting('partner.supportContact'),
    readSetting('partner.solutionPartnerTier'),
    readSetting('creditLines.method'),
    readSetting('webhooks.retentionDays'),
  ]);
  // Only identifiers and addresses: the app secret, system token and verify token stay on the server.
  const meta = metaConfig();
  return (
    <>
      <PageHeader title="Settings">How Onramp onboards your customers.</PageHeader>
      <div className="grid gap-8 lg:grid-cols-2">
        <section className="rounded-xl border border-slate-200 bg-white p-5">
          <h2 className="mb-4 font-medium">Onboarding</h2>
          <SettingsForm
            partnerType={partnerType}
            revokeCreditLine={revokeCreditLine}
            twoCallCreditLine={creditLineMethod === 'two_calls'}
            partnerName={partnerName}
            supportContact={supportContact}
            partnerTypes={partnerTypes.map((value) => ({ value, label: partnerTypeLabels[value] }))}
            solutionPartnerTier={solutionPartnerTier}
            retentionDays={retentionDays}
            solutionPartnerTiers={solutionPartnerTiers.map((value) => ({ value, label: solutionPartnerTierLabels[value] }))}
          />
        </section>
        <section className="rounded-xl border border-slate-200 bg-white p-5" aria-label="Meta configuration" data-testid="meta-config">
          <h2 className="font-medium">Meta configuration</h2>
          <p className="mb-4 text-sm text-slate-600">Read from the server's environment; change it there and restart.</p>
          <Facts
            items={[
              ['Mode', meta.mode === 'sandbox' ? 'Sandbox (the local stand-in for Meta)' : 'Meta'],
              ['App id', meta.appId],
              ['Embedded Signup configuration id', meta.configId || 'Not set'],
              ['Measurement Partner configuration id', meta.measurementConfigId ?? 'Not set'],
              ['Graph API', `${meta.graphUrl} (${meta.graphVersion})`],
              ['JavaScript SDK', meta.sdkUrl],
              ['Business portfolio id', meta.businessId ?? 'Not set'],
              ['System user id', meta.systemUserId ?? 'Not set'],
              ['Credit line id', meta.creditLineId ?? 'Not set'],
              ['Pixel id', meta.pixelId ?? 'Not set'],
            ]}
          />
        </section>
      </div>
    </>
  );
}
