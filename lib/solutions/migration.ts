import { and, desc, eq, exists, isNull, ne, or, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { auditLog, businesses, businessTokens, signupLinks, wabas } from '@/lib/db/schema';
import { appToken, businessToken, type AuditContext } from '@/lib/meta/graph';
import { getSolution, setSolutionMigrationIntent } from '@/lib/meta/solutions';
import { storedBusinessToken } from '@/lib/partner-wabas/tokens';
import { linkProblem } from '@/lib/onboarding/links';
import { saveSolution } from '@/lib/solutions/store';
import { solutionState, solutionStateLabels } from '@/lib/solutions/states';
import { UserError } from '@/lib/user-error';

// Adding an existing WABA to a solution (docs/meta/multi-partner-solutions.md, "Move WABAs between
// solutions"): Meta takes a migration intent on the WABA with the customer's business token, then
// the customer runs the solution's Embedded Signup, which creates a new WABA in the solution.

export const migrationAuditAction = 'solution.migration_intent';

/** What the customer does once the intent is set, in plain words. */
export function migrationSteps(signupUrl: string | null): string[] {
  return [
    'Turn off two-step verification on the phone number (WhatsApp Manager › Phone numbers › Settings).',
    signupUrl
      ? `Open ${signupUrl} and connect again, choosing the same business portfolio and phone number.`
      : 'Open this solution’s signup link (create one under Signup links) and connect again, choosing the same business portfolio and phone number.',
    'Meta then creates a new WhatsApp Business Account in the solution. Only approved templates with high quality are copied, and their quality rating restarts as unknown for 24 hours.',
    'Messages delivered before the move finishes are billed as before.',
  ];
}

/** Our connected WABAs with a business token, not already in this solution. */
export async function migratableWabas(solutionId: string) {
  const validToken = db()
    .select({ one: sql`1` })
    .from(businessTokens)
    .where(and(eq(businessTokens.wabaId, wabas.id), eq(businessTokens.status, 'valid')));
  return db()
    .select({ id: wabas.id, metaWabaId: wabas.metaWabaId, name: wabas.name, businessName: businesses.name, solutionId: wabas.solutionId })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(and(eq(wabas.status, 'connected'), or(isNull(wabas.solutionId), ne(wabas.solutionId, solutionId)), exists(validToken)))
    .orderBy(desc(wabas.createdAt), desc(wabas.id))
    .limit(200);
}

/** An open signup link of the solution, for the customer's next step. */
export async function solutionLink(solutionId: string) {
  const links = await db().select().from(signupLinks).where(eq(signupLinks.solutionId, solutionId)).orderBy(desc(signupLinks.createdAt));
  return links.find((link) => linkProblem(link) === null);
}

export async function addWabaToSolution(solutionId: string, metaWabaId: string, audit: AuditContext = {}): Promise<{ intentId: string }> {
  const current = await getSolution(solutionId, appToken(), audit);
  await saveSolution(current);
  const state = solutionState(current.status, current.status_for_pending_request);
  if (state !== 'active') {
    throw new UserError(`This solution is ${solutionStateLabels[state]}: Meta moves accounts only into an Active solution.`);
  }
  const [waba] = await db().select().from(wabas).where(eq(wabas.metaWabaId, metaWabaId));
  if (!waba) throw new UserError(`No WhatsApp Business Account ${metaWabaId} is on record.`, { metaWabaId: ['Choose one of the accounts listed.'] });
  if (waba.solutionId === solutionId) throw new UserError('This account is in this solution already.', { metaWabaId: ['Already in this solution.'] });
  const token = await storedBusinessToken(waba.id);
  if (!token) {
    throw new UserError(
      'We hold no business token for this account (it was shared with us outside a signup), and Meta takes the migration intent only with one. Ask the customer to open this solution’s signup link and connect their existing account, business portfolio and number.',
      { metaWabaId: ['No business token for this account.'] },
    );
  }
  const intentId = await setSolutionMigrationIntent(metaWabaId, { solutionId }, businessToken(token.value), audit);
  return { intentId };
}

/** Migration intents staff set for a solution, from the audit trail. */
export async function migrationIntents(solutionId: string) {
  const rows = await db()
    .select({ at: auditLog.createdAt, target: auditLog.target, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, migrationAuditAction), eq(auditLog.target, solutionId)))
    .orderBy(desc(auditLog.createdAt))
    .limit(50);
  return rows.map((r) => ({ at: r.at, ...(r.details as { ok?: boolean; metaWabaId?: string; intentId?: string }) })).filter((r) => r.ok === true && r.intentId);
}
