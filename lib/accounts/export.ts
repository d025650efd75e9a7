import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { accountBatches, creditLabels, tokenLabels, type AccountFilter, type AccountRow } from '@/lib/accounts/list';

// The CSV export of the WhatsApp accounts list: the whole filtered set with the list's columns,
// read in keyset batches and written as it goes, so memory stays flat however many accounts match.
// csv-stringify (the node-csv project: RFC 4180 quoting, no dependencies, a Node Transform stream
// with backpressure) does the quoting.

type Column = { key: string; header: string; value: (row: AccountRow) => string };

const iso = (at: Date | null) => at?.toISOString() ?? '';
const joined = (row: AccountRow, pick: (n: AccountRow['numbers'][number]) => string | null) => row.numbers.map((n) => pick(n) ?? '').join('; ');

function columnsFor(options: { creditLine: boolean }): Column[] {
  const columns: Column[] = [
    { key: 'waba_id', header: 'WABA id', value: (r) => r.metaWabaId },
    { key: 'waba_name', header: 'Account name', value: (r) => r.name ?? '' },
    { key: 'business', header: 'Business', value: (r) => r.businessName ?? '' },
    { key: 'business_id', header: 'Business id', value: (r) => r.metaBusinessId ?? '' },
    { key: 'customer_reference', header: 'Customer reference', value: (r) => r.customerReference ?? '' },
    { key: 'email', header: 'Business email', value: (r) => r.email ?? '' },
    { key: 'status', header: 'Status', value: (r) => r.status },
    { key: 'numbers', header: 'Numbers', value: (r) => joined(r, (n) => n.display) },
    { key: 'verified_names', header: 'Verified names', value: (r) => joined(r, (n) => n.verifiedName) },
    { key: 'name_statuses', header: 'Name statuses', value: (r) => joined(r, (n) => n.nameStatus) },
    { key: 'quality', header: 'Quality ratings', value: (r) => joined(r, (n) => n.quality) },
    { key: 'messaging_limit', header: 'Messaging limit', value: (r) => r.messagingLimit ?? '' },
    { key: 'can_send', header: 'Can send messages', value: (r) => r.canSend ?? '' },
    { key: 'business_verification', header: 'Business verification', value: (r) => r.businessVerificationStatus ?? '' },
    { key: 'account_review', header: 'Account review', value: (r) => r.accountReviewStatus ?? '' },
  ];
  if (options.creditLine) columns.push({ key: 'credit_line', header: 'Credit line', value: (r) => creditLabels[r.credit] });
  columns.push(
    { key: 'token', header: 'Token', value: (r) => tokenLabels[r.tokenState] },
    { key: 'token_expires', header: 'Token expires', value: (r) => iso(r.tokenExpiresAt) },
    { key: 'onboarding', header: 'Onboarding', value: (r) => r.onboardingStatus ?? '' },
    { key: 'onboarding_at', header: 'Onboarding date', value: (r) => iso(r.onboardingAt) },
    { key: 'last_webhook', header: 'Last webhook received', value: (r) => iso(r.lastWebhookAt) },
    { key: 'added', header: 'Added', value: (r) => iso(r.createdAt) },
  );
  return columns;
}

/**
 * A spreadsheet runs a cell that starts with = + - @ as a formula: such text (a business name, a
 * reference) is prefixed with an apostrophe. Phone numbers ("+1 555…") are left as they are.
 */
export function spreadsheetSafe(value: string): string {
  if (/^[+-][\d\s().;+-]*$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function exportHeader(options: { creditLine: boolean }): string[] {
  return columnsFor(options).map((c) => c.header);
}

/** The filtered accounts as a CSV byte stream (header first), fetched `batchSize` rows at a time. */
export function accountsCsv(filter: AccountFilter, options: { creditLine: boolean; batchSize?: number }): Readable {
  const columns = columnsFor(options);
  async function* records() {
    for await (const batch of accountBatches(filter, options.batchSize ?? 1000)) {
      for (const row of batch) yield Object.fromEntries(columns.map((c) => [c.key, spreadsheetSafe(c.value(row))]));
    }
  }
  const stringifier = stringify({ header: true, columns: columns.map((c) => ({ key: c.key, header: c.header })) });
  // pipeline destroys both ends on a database error, so the download ends in an error instead of looking complete.
  return pipeline(Readable.from(records()), stringifier, () => {});
}
