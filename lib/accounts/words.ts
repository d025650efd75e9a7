// Meta's values for a WhatsApp Business Account, in words a partner's staff member understands
// (docs/meta/wabas.md, docs/meta/webhooks.md). Unknown values are shown as Meta sent them.

const reviewWords: Record<string, string> = {
  APPROVED: 'Approved: the account may message',
  PENDING: 'In review at Meta',
  REJECTED: 'Rejected by Meta: the customer requests a new review in WhatsApp Manager',
};

const businessVerificationWords: Record<string, string> = {
  verified: 'Verified',
  not_verified: 'Not verified',
  pending: 'In review at Meta',
  pending_submission: 'Waiting for the customer’s documents',
  pending_need_more_info: 'Meta needs more information',
  rejected: 'Rejected by Meta',
  failed: 'Failed',
  expired: 'Expired: verify again',
  revoked: 'Revoked by Meta',
};

const banWords: Record<string, string> = {
  DISABLE: 'Disabled by Meta: the account cannot message',
  SCHEDULE_FOR_DISABLE: 'Scheduled to be disabled by Meta',
  REINSTATE: 'Reinstated: no ban',
};

const ownershipWords: Record<string, string> = {
  CLIENT_OWNED: 'Owned by the customer',
  ON_BEHALF_OF: 'Owned by us on the customer’s behalf',
  SELF: 'Our own account',
};

const connectionWords: Record<string, string> = {
  connected: 'Connected to us',
  disconnected: 'Disconnected: the customer removed us or we offboarded them',
  deleted: 'Deleted at Meta',
};

/**
 * Error codes a health_status entity can carry that docs/meta/errors-and-limits.md#codes-that-matter
 * explains; other codes are shown with Meta's own description and possible solution.
 */
const healthErrorWords: Record<number, string> = {
  368: 'Meta temporarily blocked the account for policy violations: see its policy notices in WhatsApp Manager.',
  131031: 'The account is locked: check its policy notices in WhatsApp Manager.',
  131042: 'A billing problem (no payment method or credit line, currency or time zone not set): share our credit line, or the customer adds a payment method.',
};

function wordFor(table: Record<string, string>, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  return table[value] ?? value;
}

export const reviewText = (value: string | null | undefined) => wordFor(reviewWords, value);
export const businessVerificationText = (value: string | null | undefined) => wordFor(businessVerificationWords, value);
export const banText = (value: string | null | undefined) => wordFor(banWords, value);
export const ownershipText = (value: string | null | undefined) => wordFor(ownershipWords, value);
export const connectionText = (value: string | null | undefined) => wordFor(connectionWords, value);

export function healthErrorText(code: number | undefined): string | null {
  return code === undefined ? null : (healthErrorWords[code] ?? null);
}

/** WhatsApp Manager's task names, as staff read them (docs/meta/system-users.md). */
const taskWords: Record<string, string> = {
  MANAGE: 'Full control',
  DEVELOP: 'Develop',
  MANAGE_TEMPLATES: 'Manage templates',
  MANAGE_PHONE: 'Manage phone numbers',
  VIEW_COST: 'View costs',
  MANAGE_EXTENSIONS: 'Manage extensions',
  VIEW_PHONE_ASSETS: 'View phone numbers',
  MANAGE_PHONE_ASSETS: 'Manage phone number assets',
  VIEW_TEMPLATES: 'View templates',
  VIEW_INSIGHTS: 'View insights',
  MANAGE_USERS: 'Manage users',
  MANAGE_BILLING: 'Manage billing',
  MESSAGING: 'Messaging',
};

export function taskText(task: string): string {
  return taskWords[task] ?? task;
}
