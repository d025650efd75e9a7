import { eq } from 'drizzle-orm';
import type { Auditor } from '@/lib/audit';
import { z } from 'zod';
import { db, type Db, type Tx } from '@/lib/db/client';
import { settings } from '@/lib/db/schema';
import { env } from '@/lib/env';

// Settings staff change at run time, stored in the database; each has a schema and a default.

export const partnerTypes = ['solution_partner', 'tech_provider', 'tech_partner', 'measurement_partner'] as const;
export type PartnerType = (typeof partnerTypes)[number];

export const partnerTypeLabels: Record<PartnerType, string> = {
  solution_partner: 'Solution Partner (shares its credit line)',
  tech_provider: 'Tech Provider (customers pay Meta)',
  tech_partner: 'Tech Partner',
  measurement_partner: 'Measurement Partner',
};

/** A Solution Partner's tier in Meta's partner program; partner-led business verification needs Select or Premier. */
export const solutionPartnerTiers = ['none', 'select', 'premier'] as const;
export type SolutionPartnerTier = (typeof solutionPartnerTiers)[number];

export const solutionPartnerTierLabels: Record<SolutionPartnerTier, string> = {
  none: 'Neither Select nor Premier',
  select: 'Select Solution Partner',
  premier: 'Premier Solution Partner',
};

export const creditLineMethods = ['share_and_attach', 'two_calls'] as const;
export type CreditLineMethod = (typeof creditLineMethods)[number];
export const defaultRetentionDays = 90;
export const retentionDaysSchema = z.number().int().min(7, 'Keep events at least 7 days.').max(3650, 'At most 3650 days (ten years).');

const definitions = {
  'partner.type': { schema: z.enum(partnerTypes), fallback: (): PartnerType => env.PARTNER_TYPE },
  'webhooks.revokeCreditLineOnPartnerRemoved': { schema: z.boolean(), fallback: () => false },
  /** The partner's name as customers know it (their status page); empty = not set. */
  'partner.name': { schema: z.string().trim().max(100), fallback: () => '' },
  /** How customers reach the partner's support (an email, phone number or web address); empty = not set. */
  'partner.supportContact': { schema: z.string().trim().max(200), fallback: () => '' },
  'partner.solutionPartnerTier': { schema: z.enum(solutionPartnerTiers), fallback: (): SolutionPartnerTier => 'none' },
  /** How a credit line is shared (docs/meta/credit-lines.md): one share-and-attach call, or share then attach (the method Meta is testing). */
  'creditLines.method': { schema: z.enum(creditLineMethods), fallback: (): CreditLineMethod => 'share_and_attach' },
  /** Webhook events older than this many days are pruned (lib/webhooks/retention.ts), except kept and failed ones. */
  'webhooks.retentionDays': { schema: retentionDaysSchema, fallback: () => defaultRetentionDays },
} as const;

type Definitions = typeof definitions;
export type SettingKey = keyof Definitions;
type SettingValue<K extends SettingKey> = z.output<Definitions[K]['schema']>;

/** The stored value, or the default when unset or no longer valid; inside a transaction, pass it. */
export async function readSetting<K extends SettingKey>(key: K, executor: Db | Tx = db()): Promise<SettingValue<K>> {
  const definition = definitions[key];
  const [row] = await executor.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  const parsed = definition.schema.safeParse(row?.value);
  return (parsed.success ? parsed.data : definition.fallback()) as SettingValue<K>;
}

export type SettingValues = { [K in SettingKey]: SettingValue<K> };

/** Writes several settings and their audit row (before and after) in one transaction. */
export async function writeSettings(values: Partial<SettingValues>, audit: Auditor): Promise<void> {
  await db().transaction(async (tx) => {
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values) as Array<[SettingKey, unknown]>) {
      const parsed = definitions[key].schema.parse(value);
      from[key] = await readSetting(key, tx);
      to[key] = parsed;
      await tx
        .insert(settings)
        .values({ key, value: parsed, updatedBy: audit.actorId })
        .onConflictDoUpdate({ target: settings.key, set: { value: parsed, updatedBy: audit.actorId, updatedAt: new Date() } });
    }
    await audit.record(tx, { details: { from, to } });
  });
}

export function partnerType(): Promise<PartnerType> {
  return readSetting('partner.type');
}
