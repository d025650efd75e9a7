import { Readable } from 'node:stream';
import { accountsCsv } from '@/lib/accounts/export';
import { filterFromParams, filterParams } from '@/lib/accounts/list';
import { recordAudit } from '@/lib/audit';
import { currentUser } from '@/lib/auth';
import { partnerType } from '@/lib/settings';

// The CSV download of the WhatsApp accounts list with the list's filters (its query string): a
// route handler because the file is streamed, never built in memory. Any signed-in staff member.
export async function GET(request: Request) {
  const user = await currentUser();
  if (!user) return Response.json({ error: 'Sign in first.' }, { status: 401, headers: { 'cache-control': 'no-store' } });
  const { filter } = filterFromParams(Object.fromEntries(new URL(request.url).searchParams));
  await recordAudit(user.id, { action: 'accounts.export', details: { filter: filterParams(filter) } });
  const csv = accountsCsv(filter, { creditLine: (await partnerType()) === 'solution_partner' });
  const day = new Date().toISOString().slice(0, 10);
  // Buffered by bytes: Readable.toWeb's default queues up to its high-water mark in chunks (here, CSV lines).
  const body = Readable.toWeb(csv, { strategy: new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }) }) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="whatsapp-accounts-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
