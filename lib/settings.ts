import { eq } from 'drizzle-orm';
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

const definitions = {
  'partner.type': { schema: z.enum(partnerTypes), fallback: (): PartnerType => env.PARTNER_TYPE },
  'webhooks.revokeCreditLineOnPartnerRemoved': { schema: z.boolean(), fallback: () => false },
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

export async function writeSetting<K extends SettingKey>(key: K, value: SettingValue<K>, actorId: string | null): Promise<void> {
  const parsed = definitions[key].schema.parse(value);
  await db()
    .insert(settings)
    .values({ key, value: parsed, updatedBy: actorId })
    .onConflictDoUpdate({ target: settings.key, set: { value: parsed, updatedBy: actorId, updatedAt: new Date() } });
}

export function partnerType(): Promise<PartnerType> {
  return readSetting('partner.type');
}
