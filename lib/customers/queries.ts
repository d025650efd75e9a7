import { and, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Auditor } from '@/lib/audit';
import { phoneDigits } from '@/lib/accounts/list';
import { db, rowsOf } from '@/lib/db/client';
import { businesses } from '@/lib/db/schema';
import { decodeCursor, encodeCursor, pageLimit, type Page } from '@/lib/pagination';
import { UserError } from '@/lib/user-error';

// Customers as staff think of them: a business portfolio, its WhatsApp Business Accounts and their
// numbers; and the partner's own reference for each customer.

/** How many of one customer's WABAs a list row shows (the rest are counted). */
export const wabasPerCustomer = 25;

export const customerReferenceSchema = z
  .string()
  .trim()
  .max(100, 'At most 100 characters.')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'Use letters, digits and punctuation only.');

export const customerFilterSchema = z.object({
  q: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(200).optional()),
});
export type CustomerFilter = z.infer<typeof customerFilterSchema>;

export type CustomerNumber = {
  id: string;
  display: string | null;
  verifiedName: string | null;
  nameStatus: string | null;
  quality: string | null;
  status: string | null;
};
export type CustomerWaba = {
  id: string;
  metaWabaId: string;
  name: string | null;
  status: string;
  accountReviewStatus: string | null;
  canSend: string | null;
  messagingLimit: string | null;
  numbers: CustomerNumber[];
};
export type CustomerRow = {
  id: string;
  metaBusinessId: string;
  name: string | null;
  email: string | null;
  customerReference: string | null;
  verificationStatus: string | null;
  createdAt: Date;
  wabaCount: number;
  wabas: CustomerWaba[];
};

function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The businesses a search names: their own ids, names, emails and references, or a WABA's or a number's. */
function searchCondition(q: string): SQL {
  const prefix = likePrefix(q);
  const branches: SQL[] = [
    sql`select id from businesses where meta_business_id = ${q}`,
    sql`select id from businesses where lower(name) like ${prefix}`,
    sql`select id from businesses where lower(email) like ${prefix}`,
    sql`select id from businesses where lower(customer_reference) like ${prefix}`,
    sql`select business_id from wabas where meta_waba_id = ${q}`,
    sql`select business_id from wabas where lower(name) like ${prefix}`,
    sql`select w.business_id from wabas w where w.id in (select waba_id from phone_numbers where meta_phone_number_id = ${q})`,
  ];
  const digits = phoneDigits(q);
  if (/^[+\d\s().-]+$/.test(q) && digits.length >= 4) {
    branches.push(
      sql`select w.business_id from wabas w where w.id in (select waba_id from phone_numbers where reverse(display_digits) like ${`${[...digits].reverse().join('')}%`})`,
    );
  }
  return sql`b.id in (${sql.join(branches, sql` union `)})`;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type RawCustomer = Omit<CustomerRow, 'createdAt' | 'wabas'> & { createdMs: number; cursorAt: string; wabas: CustomerWaba[] | string | null };

export function customerPageQuery(filter: CustomerFilter, options: { cursor?: string | null; limit: number }): SQL {
  const where: SQL[] = [];
  if (filter.q) where.push(searchCondition(filter.q));
  const after = decodeCursor(options.cursor);
  if (after && uuidShape.test(after.id)) where.push(sql`(b.created_at, b.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return sql`select b.id, b.meta_business_id as "metaBusinessId", b.name, b.email, b.customer_reference as "customerReference",
      b.verification_status as "verificationStatus", (extract(epoch from b.created_at) * 1000)::float8 as "createdMs", b.created_at::text as "cursorAt",
      (select count(*)::int from wabas c where c.business_id = b.id) as "wabaCount",
      (select json_agg(json_build_object('id', w.id, 'metaWabaId', w.meta_waba_id, 'name', w.name, 'status', w.status,
          'accountReviewStatus', w.account_review_status, 'canSend', w.health_status ->> 'can_send_message', 'messagingLimit', w.messaging_limit,
          'numbers', (select coalesce(json_agg(json_build_object('id', p.meta_phone_number_id, 'display', p.display_phone_number,
              'verifiedName', p.verified_name, 'nameStatus', p.name_status, 'quality', p.quality_rating, 'status', p.status) order by p.created_at, p.id), '[]'::json)
            from phone_numbers p where p.waba_id = w.id)) order by w.created_at desc, w.id desc)
        from (select * from wabas x where x.business_id = b.id order by x.created_at desc, x.id desc limit ${wabasPerCustomer}) w) as wabas
    from businesses b
    ${where.length > 0 ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by b.created_at desc, b.id desc
    limit ${options.limit + 1}`;
}

export async function listCustomers(filter: CustomerFilter, options: { cursor?: string | null; limit?: number } = {}): Promise<Page<CustomerRow>> {
  const limit = pageLimit(options.limit, 25, 200);
  const rows = rowsOf<RawCustomer>(await db().execute(customerPageQuery(filter, { cursor: options.cursor, limit })));
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(({ createdMs, cursorAt: _cursor, wabas, ...rest }) => ({
      ...rest,
      createdAt: new Date(Number(createdMs)),
      wabas: (typeof wabas === 'string' ? (JSON.parse(wabas) as CustomerWaba[]) : wabas) ?? [],
    })),
    next: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

/** Sets (or, with an empty text, clears) the partner's reference of a customer; returns what it was. */
export async function setCustomerReference(
  businessId: string,
  reference: string,
  audit: Auditor,
): Promise<{ previous: string | null; reference: string | null }> {
  const value = customerReferenceSchema.parse(reference) || null;
  return db().transaction(async (tx) => {
    const [current] = await tx.select({ reference: businesses.customerReference }).from(businesses).where(eq(businesses.id, businessId)).for('update');
    if (!current) throw new UserError('This customer no longer exists.');
    await tx
      .update(businesses)
      .set({ customerReference: value, updatedAt: new Date() })
      .where(and(eq(businesses.id, businessId)));
    await audit.record(tx, { target: businessId, details: { from: current.reference, to: value } });
    return { previous: current.reference, reference: value };
  });
}
