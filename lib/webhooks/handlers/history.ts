import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { onboardingSessions } from '@/lib/db/schema';
import { changeTime, parseValue } from '@/lib/webhooks/handlers/common';
import { coexistenceMetadataSchema, coexistenceSession, recordSessionFact } from '@/lib/webhooks/handlers/coexistence';
import type { ChangeHandler } from '@/lib/webhooks/types';

// history (docs/meta/coexistence.md): chunks per phase 0–2 arrive out of order, so progress is the maximum
// seen; error 2593109 means the business declined to share its history.

export const historyDeclinedCode = 2593109;

const numeric = z.union([z.number(), z.string()]).transform(Number);

const historySchema = z.looseObject({
  metadata: coexistenceMetadataSchema,
  history: z
    .array(
      z.looseObject({
        metadata: z.looseObject({ phase: numeric.optional(), chunk_order: numeric.optional(), progress: numeric.optional() }).optional(),
        errors: z.array(z.looseObject({ code: numeric.optional() })).optional(),
        // Threads carry message bodies: counted, never stored.
        threads: z.array(z.looseObject({ messages: z.array(z.unknown()).optional() })).optional(),
      }),
    )
    .default([]),
});

export const handleHistory: ChangeHandler = async (change, tx) => {
  const value = parseValue(historySchema, change);
  const session = await coexistenceSession(tx, change, value.metadata.phone_number_id);
  if (!session) return 'processed';
  const declined = value.history.some((h) => h.errors?.some((e) => e.code === historyDeclinedCode));
  const progresses = value.history.map((h) => h.metadata?.progress).filter((p): p is number => Number.isFinite(p));
  const progress = progresses.length > 0 ? Math.min(100, Math.max(...progresses)) : undefined;
  await recordSessionFact(tx, session.id, 'coexistence.history', change, {
    chunks: value.history.map((h) => ({
      phase: h.metadata?.phase ?? null,
      chunkOrder: h.metadata?.chunk_order ?? null,
      progress: h.metadata?.progress ?? null,
      threads: h.threads?.length ?? 0,
      messages: h.threads?.reduce((n, t) => n + (t.messages?.length ?? 0), 0) ?? 0,
    })),
    declined,
  });
  if (!declined && progress === undefined) return 'processed';
  await tx
    .update(onboardingSessions)
    .set({
      ...(progress !== undefined ? { historyProgress: sql`greatest(coalesce(${onboardingSessions.historyProgress}, 0), ${progress})` } : {}),
      ...(declined ? { historyDeclinedAt: sql`coalesce(${onboardingSessions.historyDeclinedAt}, ${changeTime(change).toISOString()}::timestamptz)` } : {}),
      updatedAt: new Date(),
    })
    .where(eq(onboardingSessions.id, session.id));
  return 'processed';
};
