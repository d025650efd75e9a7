// Meta's values for a phone number, in words a partner's staff member understands
// (docs/meta/phone-numbers.md#list-and-read-numbers, docs/meta/webhooks.md). Unknown values are
// shown as Meta sent them.

const statusWords: Record<string, string> = {
  CONNECTED: 'Connected: it can send and receive messages',
  PENDING: 'Pending: not registered for the Cloud API yet',
  DISCONNECTED: 'Disconnected: not registered, it cannot send or receive messages',
  FLAGGED: 'Flagged for low quality: its messaging limit may be lowered',
  RESTRICTED: 'Restricted: it reached its messaging limit and can only reply to people who wrote first',
  RATE_LIMITED: 'Rate limited by Meta',
  BANNED: 'Banned by Meta',
  DELETED: 'Deleted',
  MIGRATED: 'Migrated to another account',
};

const qualityWords: Record<string, string> = {
  GREEN: 'High',
  YELLOW: 'Medium: people have blocked or reported some messages',
  RED: 'Low: at risk of a lower messaging limit or of being flagged',
  NA: 'Not rated yet',
  UNKNOWN: 'Not rated yet',
};

const nameStatusWords: Record<string, string> = {
  APPROVED: 'Approved',
  AVAILABLE_WITHOUT_REVIEW: 'Usable without review',
  DECLINED: 'Declined by Meta',
  EXPIRED: 'Expired',
  PENDING_REVIEW: 'In review at Meta',
  NONE: 'No request',
};

// The display-name decisions' rejection reasons (Meta: phone_number_name_update webhook).
const rejectionWords: Record<string, string> = {
  NAME_EMPLOYEE_ISSUE: 'the name looks like a person working for the business, not the business',
  NAME_ENDCLIENT_NOTRELATED: 'the name is not related to the business',
  NAME_FORMAT_UNACCEPTABLE: 'the name does not follow the display name formatting rules',
  NAME_INDIVIDUAL_ISSUE: 'the name looks like a private person, not a business',
  NAME_NOT_CONSISTENT: 'the name does not match the business’s website or other material',
  UNKNOWN: 'Meta gave no reason',
};

const throughputWords: Record<string, string> = {
  STANDARD: 'Standard (up to 80 messages per second)',
  HIGH: 'High (up to 1,000 messages per second)',
  NOT_APPLICABLE: 'Not applicable (not registered)',
};

const platformWords: Record<string, string> = {
  CLOUD_API: 'Registered for the Cloud API',
  ON_PREMISE: 'On the retired On-Premises API',
  NOT_APPLICABLE: 'Not registered for the Cloud API',
};

const verificationWords: Record<string, string> = {
  VERIFIED: 'Verified',
  NOT_VERIFIED: 'Not verified: send a code and enter it',
  UNVERIFIED: 'Not verified: send a code and enter it',
  EXPIRED: 'Verification expired',
};

const tierWords: Record<string, string> = {
  TIER_50: '50 people in 24 hours',
  TIER_250: '250 people in 24 hours',
  TIER_2K: '2,000 people in 24 hours',
  TIER_10K: '10,000 people in 24 hours',
  TIER_100K: '100,000 people in 24 hours',
  TIER_UNLIMITED: 'Unlimited',
  UNTIERED: 'Not tiered yet',
  TIER_NOT_SET: 'Not set yet',
};

const qualityEventWords: Record<string, string> = {
  ONBOARDING: 'Limit set at onboarding',
  THROUGHPUT_UPGRADE: 'Throughput upgraded',
  FLAGGED: 'Flagged for low quality',
  UNFLAGGED: 'No longer flagged',
  UPGRADE: 'Messaging limit raised',
  DOWNGRADE: 'Messaging limit lowered',
};

const canSendWords: Record<string, string> = {
  AVAILABLE: 'Can send messages',
  LIMITED: 'Can send, with limits',
  BLOCKED: 'Cannot send messages',
};

function wordFor(table: Record<string, string>, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return table[value] ?? value;
}

export const numberStatusText = (value: string | null | undefined) => wordFor(statusWords, value);
export const qualityText = (value: string | null | undefined) => wordFor(qualityWords, value);
export const nameStatusText = (value: string | null | undefined) => wordFor(nameStatusWords, value);
export const rejectionText = (value: string | null | undefined) => wordFor(rejectionWords, value);
export const throughputText = (value: string | null | undefined) => wordFor(throughputWords, value);
export const platformText = (value: string | null | undefined) => wordFor(platformWords, value);
export const verificationText = (value: string | null | undefined) => wordFor(verificationWords, value);
export const canSendText = (value: string | null | undefined) => wordFor(canSendWords, value);
export const qualityEventText = (value: string | null | undefined) => wordFor(qualityEventWords, value);

/** A messaging limit tier (`TIER_2K`) or a bare number (`2000`, as some webhooks send it). */
export function limitText(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (/^-?\d+$/.test(value)) return value === '-1' ? 'Unlimited' : `${Number(value).toLocaleString('en-US')} people in 24 hours`;
  return wordFor(tierWords, value);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** "Germany (DE)" for an ISO 3166-1 alpha-2 code; undefined when it is not a country code. */
export function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  try {
    const name = regionNames.of(code);
    return name && name !== code ? name : undefined;
  } catch {
    return undefined;
  }
}

/** A UTC time as staff pages write it. */
export function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
