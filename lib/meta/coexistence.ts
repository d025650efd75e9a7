import { z } from 'zod';
import { type AuditContext, type GraphToken, graphRequest, hasCode } from '@/lib/meta/graph';

// Coexistence: numbers that stay on the WhatsApp Business app (docs/meta/coexistence.md). They are
// already registered; the portal starts two one-off syncs instead of /register.

export type SyncType = 'smb_app_state_sync' | 'history';

export type SyncResult = { status: 'started'; requestId: string } | { status: 'already_requested' };

/**
 * Starts one `smb_app_data` sync. Each type may run once, within 24 h of onboarding. A repeat
 * (2593107) is reported as `already_requested`, so a retried step is idempotent; 2593108 (window
 * over) and 2593109 (history declined) throw.
 */
export async function startSync(phoneNumberId: string, syncType: SyncType, token: GraphToken, audit: AuditContext = {}): Promise<SyncResult> {
  try {
    const result = await graphRequest({
      method: 'POST',
      path: `/${phoneNumberId}/smb_app_data`,
      json: { messaging_product: 'whatsapp', sync_type: syncType },
      token,
      audit,
      schema: z.looseObject({ request_id: z.string() }),
    });
    return { status: 'started', requestId: result.request_id };
  } catch (error) {
    if (hasCode(error, 2593107)) return { status: 'already_requested' };
    throw error;
  }
}
