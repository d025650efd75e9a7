import type { Tx } from '@/lib/db/client';
import type { WebhookEvent } from '@/lib/db/schema';

// What processing hands the field handlers, and what they answer (lib/webhooks/handlers.ts).

export type StoredChange = Pick<WebhookEvent, 'id' | 'field' | 'event' | 'entryId' | 'entryTime' | 'wabaId' | 'receivedAt'> & {
  value: Record<string, unknown>;
};

/** What a handler did: applied the change, or recognised it as not ours (another app, nothing to do). */
export type HandlerOutcome = 'processed' | 'ignored';

/** Applies one change inside `tx` (a savepoint of the batch's transaction). */
export type ChangeHandler = (change: StoredChange, tx: Tx) => Promise<HandlerOutcome>;

/**
 * Applies a whole batch of one field's changes set-wise (a few statements for hundreds of changes);
 * it throws if any change is bad, and processing then applies them one by one with `ChangeHandler`.
 */
export type BatchHandler = (changes: StoredChange[], tx: Tx) => Promise<void>;
