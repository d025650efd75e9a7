import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/lib/db/client';
import { messageTemplates } from '@/lib/db/schema';
import { changeTime } from '@/lib/webhooks/handlers/common';
import type { StoredChange } from '@/lib/webhooks/types';

// Shared by the four template fields (docs/meta/webhooks.md#message-template-status-update): `message_template_id` is a number in
// payloads and is stored as text.

export const templateIdentitySchema = z.looseObject({
  message_template_id: z.union([z.number(), z.string().min(1)]).transform(String),
  message_template_name: z.string().optional(),
  message_template_language: z.string().optional(),
});

type TemplateFacts = {
  templateId: string;
  name?: string;
  language?: string;
  status?: string;
  category?: string;
  qualityScore?: string;
  reason?: string | null;
};

/**
 * Upserts what one change says about a template. The newest change (by Meta's timestamp) wins;
 * an older one only fills columns that are still empty.
 */
export async function upsertTemplate(tx: Tx, change: StoredChange, facts: TemplateFacts): Promise<void> {
  const at = changeTime(change);
  const newer = sql`(${messageTemplates.eventAt} is null or excluded.event_at >= ${messageTemplates.eventAt})`;
  const pick = (current: AnyColumn): SQL => {
    const given = sql.raw(`excluded.${current.name}`);
    return sql`case when ${newer} then coalesce(${given}, ${current}) else coalesce(${current}, ${given}) end`;
  };
  const reasonGiven = facts.reason !== undefined;
  await tx
    .insert(messageTemplates)
    .values({
      wabaId: change.wabaId ?? change.entryId,
      templateId: facts.templateId,
      name: facts.name,
      language: facts.language,
      status: facts.status,
      category: facts.category,
      qualityScore: facts.qualityScore,
      reason: facts.reason ?? null,
      eventAt: at,
    })
    .onConflictDoUpdate({
      target: [messageTemplates.wabaId, messageTemplates.templateId],
      set: {
        name: pick(messageTemplates.name),
        language: pick(messageTemplates.language),
        status: pick(messageTemplates.status),
        category: pick(messageTemplates.category),
        qualityScore: pick(messageTemplates.qualityScore),
        // A status change carries its reason (or none); other fields leave the reason alone.
        ...(reasonGiven ? { reason: sql`case when ${newer} then excluded.reason else ${messageTemplates.reason} end` } : {}),
        eventAt: sql`greatest(${messageTemplates.eventAt}, excluded.event_at)`,
        updatedAt: new Date(),
      },
    });
}
