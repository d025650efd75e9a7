import { asc, count, desc, eq, max, sql } from 'drizzle-orm';
import { db, type Tx } from '@/lib/db/client';
import { businesses, signupLinks, solutions, wabas, type StoredSolution } from '@/lib/db/schema';
import { appToken, graphSettings, type AuditContext } from '@/lib/meta/graph';
import { getSolution, listSolutions, solutionFields, type Solution } from '@/lib/meta/solutions';
import { solutionState, type SolutionFacts, type SolutionState } from '@/lib/solutions/states';

// Our copy of the solutions Meta lists for our app: refreshed from the API (read with the app token,
// which every partner type has) and kept current by partner_solutions webhooks
// (lib/webhooks/handlers/partner-solutions.ts). See docs/meta/multi-partner-solutions.md.

function columnsOf(solution: Solution, appId: string) {
  const partner = solution.partners?.data[0];
  const ownerMessaging = (solution.owner_permissions ?? []).includes('MESSAGING');
  const partnerMessaging = (partner?.partner_permissions ?? []).includes('MESSAGING');
  const role = solution.owner_app?.id === appId ? ('owner' as const) : partner?.partner_app?.id === appId ? ('partner' as const) : null;
  return {
    ...(solution.name !== undefined && { name: solution.name }),
    status: solution.status ?? null,
    pendingRequestStatus: solution.status_for_pending_request ?? null,
    role,
    ownerAppId: solution.owner_app?.id ?? null,
    ownerAppName: solution.owner_app?.name || null,
    partnerAppId: partner?.partner_app?.id ?? null,
    partnerAppName: partner?.partner_app?.name || null,
    messagingApp: ownerMessaging ? ('owner' as const) : partnerMessaging ? ('partner' as const) : null,
  };
}

/**
 * How far back a read from the API moves the webhook clock (`event_at`). Webhooks carry Meta's time
 * in whole seconds and Meta's clock is not ours: a change Meta made just before or after our read
 * must still apply, while webhooks older than that are dropped as stale.
 */
const readSkewMs = 5_000;

/** Stores what Meta just said about a solution; its webhook clock never moves back. */
export async function saveSolution(solution: Solution, executor: Tx | ReturnType<typeof db> = db()): Promise<void> {
  const now = new Date();
  const columns = { ...columnsOf(solution, graphSettings().appId), syncedAt: now, updatedAt: now };
  await executor
    .insert(solutions)
    .values({ metaSolutionId: solution.id, ...columns, eventAt: new Date(Math.floor(now.getTime() / 1000) * 1000 - readSkewMs) })
    .onConflictDoUpdate({
      target: solutions.metaSolutionId,
      set: { ...columns, eventAt: sql`greatest(${solutions.eventAt}, excluded.event_at)` },
    });
}

/** Reads every solution of our app from Meta and stores them; returns how many. */
export async function refreshSolutions(audit: AuditContext = {}): Promise<number> {
  const { appId } = graphSettings();
  const list = await listSolutions(appId, appToken(), audit, { fields: solutionFields, limit: 100 });
  await db().transaction(async (tx) => {
    for (const solution of list) await saveSolution(solution, tx);
  });
  return list.length;
}

/** Reads one solution from Meta and stores it. */
export async function refreshSolution(solutionId: string, audit: AuditContext = {}): Promise<SolutionRow> {
  const solution = await getSolution(solutionId, appToken(), audit);
  await saveSolution(solution);
  return (await storedSolution(solutionId))!;
}

export type SolutionRow = StoredSolution & { state: SolutionState; customers: number; links: number; weHoldMessaging: boolean | null };

function decorate(row: StoredSolution, customers: number, links: number): SolutionRow {
  const weHoldMessaging = row.messagingApp && row.role ? row.messagingApp === row.role : null;
  return { ...row, state: solutionState(row.status, row.pendingRequestStatus), customers, links, weHoldMessaging };
}

export function factsOf(row: Pick<StoredSolution, 'status' | 'pendingRequestStatus' | 'role'>): SolutionFacts {
  return { state: solutionState(row.status, row.pendingRequestStatus), role: row.role ?? null };
}

/** Every stored solution, newest change first, with how many customers came through it and how many links use it. */
export async function listStoredSolutions(): Promise<SolutionRow[]> {
  const [rows, customers, links] = await Promise.all([
    db().select().from(solutions).orderBy(desc(solutions.updatedAt), asc(solutions.metaSolutionId)),
    db().select({ solutionId: wabas.solutionId, n: count() }).from(wabas).groupBy(wabas.solutionId),
    db().select({ solutionId: signupLinks.solutionId, n: count() }).from(signupLinks).groupBy(signupLinks.solutionId),
  ]);
  const customersBy = new Map(customers.map((c) => [c.solutionId, c.n]));
  const linksBy = new Map(links.map((l) => [l.solutionId, l.n]));
  return rows.map((row) => decorate(row, customersBy.get(row.metaSolutionId) ?? 0, linksBy.get(row.metaSolutionId) ?? 0));
}

export async function storedSolution(solutionId: string): Promise<SolutionRow | undefined> {
  const [row] = await db().select().from(solutions).where(eq(solutions.metaSolutionId, solutionId));
  if (!row) return undefined;
  const [[customers], [links]] = await Promise.all([
    db().select({ n: count() }).from(wabas).where(eq(wabas.solutionId, solutionId)),
    db().select({ n: count() }).from(signupLinks).where(eq(signupLinks.solutionId, solutionId)),
  ]);
  return decorate(row, customers?.n ?? 0, links?.n ?? 0);
}

/** The WABAs that came through a solution (by signup or by Meta's PARTNER_ADDED webhook). */
export async function solutionCustomers(solutionId: string, limit = 200) {
  return db()
    .select({
      id: wabas.id,
      metaWabaId: wabas.metaWabaId,
      name: wabas.name,
      status: wabas.status,
      businessName: businesses.name,
      metaBusinessId: businesses.metaBusinessId,
      createdAt: wabas.createdAt,
    })
    .from(wabas)
    .leftJoin(businesses, eq(businesses.id, wabas.businessId))
    .where(eq(wabas.solutionId, solutionId))
    .orderBy(desc(wabas.createdAt))
    .limit(limit);
}

/** Changes whenever a solution row changes (a webhook, a refresh): the page polls it. */
export async function solutionsVersion(): Promise<string> {
  const [row] = await db()
    .select({ at: max(solutions.updatedAt), n: count() })
    .from(solutions);
  return `${row?.n ?? 0}:${row?.at ? new Date(row.at).toISOString() : '-'}`;
}
