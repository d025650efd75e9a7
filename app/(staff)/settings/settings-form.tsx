'use client';

import { useActionState } from 'react';
import { FormMessage, SubmitButton } from '@/components/ui/form';
import type { PartnerType, SolutionPartnerTier } from '@/lib/settings';
import { saveSettings } from './actions';

export function SettingsForm({
  partnerType,
  revokeCreditLine,
  twoCallCreditLine,
  partnerName,
  supportContact,
  partnerTypes,
  solutionPartnerTier,
  solutionPartnerTiers,
  retentionDays,
}: {
  partnerType: PartnerType;
  revokeCreditLine: boolean;
  twoCallCreditLine: boolean;
  partnerName: string;
  supportContact: string;
  partnerTypes: Array<{ value: PartnerType; label: string }>;
  solutionPartnerTier: SolutionPartnerTier;
  solutionPartnerTiers: Array<{ value: SolutionPartnerTier; label: string }>;
  retentionDays: number;
}) {
  const [state, action] = useActionState(saveSettings, {});
  const errors = state.fieldErrors?.partnerType;
  return (
    <form action={action} className="space-y-4">
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Partner type</span>
        <select
          name="partnerType"
          defaultValue={state.values?.partnerType ?? partnerType}
          aria-invalid={errors ? true : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2"
        >
          {partnerTypes.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
        <span className="mt-1 block text-slate-600">Decides which steps each new onboarding runs, such as sharing your credit line.</span>
        {errors ? <span className="mt-1 block text-red-700">{errors.join(' ')}</span> : null}
      </label>
      <label className="block text-sm">
        <span className="font-medium text-slate-700">Solution Partner tier</span>
        <select
          name="solutionPartnerTier"
          defaultValue={state.values?.solutionPartnerTier ?? solutionPartnerTier}
          aria-invalid={state.fieldErrors?.solutionPartnerTier ? true : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2"
        >
          {solutionPartnerTiers.map((tier) => (
            <option key={tier.value} value={tier.value}>
              {tier.label}
            </option>
          ))}
        </select>
        <span className="mt-1 block text-slate-600">
          Select and Premier Solution Partners that Meta approved for it can verify customers’ businesses on their behalf (Business verification).
        </span>
        {state.fieldErrors?.solutionPartnerTier ? <span className="mt-1 block text-red-700">{state.fieldErrors.solutionPartnerTier.join(' ')}</span> : null}
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="revokeCreditLine"
          defaultChecked={state.values ? state.values.revokeCreditLine === 'on' : revokeCreditLine}
          className="mt-1"
        />
        <span>
          <span className="font-medium text-slate-700">Revoke the credit line automatically when a customer removes us</span>
          <span className="block text-slate-600">When off, the credit line stays shared until someone revokes it.</span>
        </span>
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="twoCallCreditLine"
          defaultChecked={state.values ? state.values.twoCallCreditLine === 'on' : twoCallCreditLine}
          className="mt-1"
        />
        <span>
          <span className="font-medium text-slate-700">Share credit lines in two calls (share with the portfolio, then attach)</span>
          <span className="block text-slate-600">The method Meta is testing to replace share-and-attach; staff use it from a customer’s account page.</span>
        </span>
      </label>
      <TextSetting
        name="partnerName"
        label="Your name, as customers know it"
        hint="Shown on customers’ setup pages, for example “Read-only access granted to Acme Messaging”."
        value={state.values?.partnerName ?? partnerName}
        errors={state.fieldErrors?.partnerName}
      />
      <TextSetting
        name="supportContact"
        label="Support contact for customers"
        hint="An email address, phone number or web page, shown on every customer setup page so they can reach you."
        value={state.values?.supportContact ?? supportContact}
        errors={state.fieldErrors?.supportContact}
      />
      <TextSetting
        name="retentionDays"
        type="number"
        label="Keep webhook events for (days)"
        hint="Older events are deleted every night, except the ones staff chose to keep and the ones that failed."
        value={state.values?.retentionDays ?? String(retentionDays)}
        errors={state.fieldErrors?.retentionDays}
      />
      <FormMessage state={state} />
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}

function TextSetting({
  name,
  type,
  label,
  hint,
  value,
  errors,
}: {
  name: string;
  type?: 'number';
  label: string;
  hint: string;
  value: string;
  errors?: string[];
}) {
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input
        name={name}
        type={type}
        defaultValue={value}
        aria-invalid={errors ? true : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-brand-600 focus:outline-none"
      />
      <span className="mt-1 block text-slate-600">{hint}</span>
      {errors ? <span className="mt-1 block text-red-700">{errors.join(' ')}</span> : null}
    </label>
  );
}
