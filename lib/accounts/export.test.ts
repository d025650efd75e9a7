import v8 from 'node:v8';
import vm from 'node:vm';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { createStaffUser } from '@/lib/staff';
import { seedAccount, seedManyAccounts } from '@/test/account-fixtures';
import { signedIn } from '@/test/signed-in';

// The CSV export through its route handler, as the browser downloads it.

vi.mock('next-auth', async () => (await import('@/test/signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));

const { GET } = await import('@/app/api/wabas/export/route');
const { exportHeader, spreadsheetSafe } = await import('@/lib/accounts/export');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function liveHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Minimal RFC 4180 reader for the checks (quoted fields, doubled quotes). */
function parseLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

beforeAll(async () => {
  const viewer = await createStaffUser({ email: 'viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' });
  signedIn.id = viewer.id;
});

describe('CSV export', () => {
  test('refuses a caller who is not signed in', async () => {
    const id = signedIn.id;
    signedIn.id = undefined;
    const response = await GET(new Request('http://portal.test/api/wabas/export'));
    signedIn.id = id;
    expect(response.status).toBe(401);
  });

  test('writes the list’s columns, joins several numbers in one cell and keeps formulas from running', async () => {
    const account = await seedAccount({
      wabaName: 'Harbour, "North"',
      business: { name: '=HYPERLINK("x")', customerReference: 'CRM-1', email: 'a@harbour.example' },
      numbers: [
        { display: '+1 555-078-3881', quality: 'GREEN' },
        { display: '+1 555-078-3882', quality: 'RED' },
      ],
      primaryFundingId: '55',
      allocationConfigId: '66',
    });
    const response = await GET(new Request(`http://portal.test/api/wabas/export?q=${account.metaWabaId}`));
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="whatsapp-accounts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const header = parseLine(lines[0]!);
    expect(header).toEqual(exportHeader({ creditLine: true }));
    const row = Object.fromEntries(header.map((h, i) => [h, parseLine(lines[1]!)[i]]));
    expect(row).toMatchObject({
      'WABA id': account.metaWabaId,
      'Account name': 'Harbour, "North"',
      Business: `'=HYPERLINK("x")`,
      'Customer reference': 'CRM-1',
      'Business email': 'a@harbour.example',
      Numbers: '+1 555-078-3881; +1 555-078-3882',
      'Quality ratings': 'GREEN; RED',
      'Credit line': 'Shared by us',
      Token: 'Valid',
      Onboarding: 'live',
    });
    expect(spreadsheetSafe('-SUM(A1:A9)')).toBe("'-SUM(A1:A9)");
    expect(spreadsheetSafe('+44 20 7946 0958')).toBe('+44 20 7946 0958');
  });

  test('streams 20,000 accounts with the exact row count while the server’s live heap stays flat', async () => {
    await seedManyAccounts(20_000, { prefix: '4' });
    const baseline = liveHeap();
    const response = await GET(new Request('http://portal.test/api/wabas/export?q=Bulk%20Account'));
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let lines = 0;
    let bytes = 0;
    let nextSample = 2_000;
    const growth: number[] = [];
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      const text = tail + decoder.decode(value, { stream: true });
      const parts = text.split('\n');
      tail = parts.pop()!;
      lines += parts.length;
      if (lines >= nextSample) {
        growth.push(liveHeap() - baseline);
        nextSample += 2_000;
      }
    }
    expect(tail).toBe('');
    expect(lines).toBe(20_001);
    expect(bytes).toBeGreaterThan(4_000_000);
    expect(growth.length).toBeGreaterThanOrEqual(9);
    // Holding the set would cost well over 20 MB here; a batch of 1,000 rows costs about one.
    expect(Math.max(...growth)).toBeLessThan(8 * 1024 * 1024);
    console.info(
      `export: ${lines - 1} rows, ${(bytes / 1e6).toFixed(1)} MB, live heap growth at each 2,000 rows (MB): ${growth.map((g) => (g / 1048576).toFixed(1)).join(' ')}`,
    );
  }, 180_000);
});
