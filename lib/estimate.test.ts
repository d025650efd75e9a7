import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { boundedCount, countText, plannedRows } from '@/lib/estimate';

const rowsOfAction = (action: string) => db().select({ one: sql`1` }).from(auditLog).where(sql`${auditLog.action} = ${action}`).getSQL();

describe('bounded counts', () => {
  it('counts exactly up to the bound, and follows the data', async () => {
    expect(await boundedCount(rowsOfAction('estimate.test'), 10)).toEqual({ n: 0, exact: true });
    await db()
      .insert(auditLog)
      .values(Array.from({ length: 4 }, () => ({ action: 'estimate.test' })));
    expect(await boundedCount(rowsOfAction('estimate.test'), 10)).toEqual({ n: 4, exact: true });
    await db().insert(auditLog).values({ action: 'estimate.test' });
    expect(await boundedCount(rowsOfAction('estimate.test'), 10)).toEqual({ n: 5, exact: true });
  });

  it('past the bound gives the planner’s estimate, never less than the bound it passed', async () => {
    await db()
      .insert(auditLog)
      .values(Array.from({ length: 30 }, () => ({ action: 'estimate.many' })));
    await db().execute(sql`analyze audit_log`);
    expect(await plannedRows(rowsOfAction('estimate.many'))).toBeGreaterThan(0);
    const count = await boundedCount(rowsOfAction('estimate.many'), 10);
    expect(count.exact).toBe(false);
    expect(count.n).toBeGreaterThanOrEqual(11);
  });

  it('labels an estimate "about", rounded to two figures, and an exact count as it is', () => {
    expect(countText({ n: 1234, exact: true })).toBe('1,234');
    expect(countText({ n: 123_456, exact: false })).toBe('about 120,000');
    expect(countText({ n: 1001, exact: false })).toBe('about 1,000');
  });
});
