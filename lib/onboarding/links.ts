import { randomBytes } from 'node:crypto';
import { and, count, desc, eq, isNull, max } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { onboardingSessions, signupFlows, signupLinks, type SignupFlow, type SignupLink } from '@/lib/db/schema';
import { appToken, graphSettings } from '@/lib/meta/graph';
import { listSolutions } from '@/lib/meta/solutions';

// Signup links: what a customer's Embedded Signup launches with (flow, solution, pre-filled data),
// how long the link works and whether it works once.

export const defaultLinkToken = 'public';

export const flowLabels: Record<SignupFlow, string> = {
  default: 'Cloud API (new or existing number)',
  coexistence: 'WhatsApp Business app number (coexistence)',
  waba_only: 'Share a WhatsApp Business Account only',
  mps: 'Multi-Partner Solution',
  measurement: 'Measurement Partner (read-only)',
};

/**
 * The business categories Meta accepts for a WhatsApp business profile (the `vertical` of Meta:
 * Business profiles), which Embedded Signup's pre-filled `phone.category` takes.
 */
export const businessCategories = {
  AUTO: 'Automotive',
  BEAUTY: 'Beauty, spa and salon',
  APPAREL: 'Clothing and apparel',
  EDU: 'Education',
  ENTERTAIN: 'Entertainment',
  EVENT_PLAN: 'Event planning and service',
  FINANCE: 'Finance and banking',
  GROCERY: 'Food and grocery',
  GOVT: 'Public service',
  HOTEL: 'Hotel and lodging',
  HEALTH: 'Medical and health',
  NONPROFIT: 'Non-profit',
  PROF_SERVICES: 'Professional services',
  RETAIL: 'Shopping and retail',
  TRAVEL: 'Travel and transportation',
  RESTAURANT: 'Restaurant',
  OTHER: 'Other',
} as const;

export type BusinessCategory = keyof typeof businessCategories;
const categoryValues = Object.keys(businessCategories) as [BusinessCategory, ...BusinessCategory[]];

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .transform((v) => (v === '' ? undefined : v))
    .optional();

/** Pre-filled data for `extras.setup` (docs/meta/embedded-signup.md): Meta applies the business part only when complete. */
export const prefillSchema = z
  .object({
    businessName: optionalText(100),
    businessEmail: optionalText(200).pipe(z.email('Enter a valid email address.').optional()),
    businessWebsite: optionalText(300).pipe(z.url('Enter a full URL, e.g. https://example.com.').optional()),
    businessCountry: optionalText(2).pipe(
      z
        .string()
        .regex(/^[A-Z]{2}$/, 'Use a two-letter country code, e.g. US.')
        .optional(),
    ),
    displayName: optionalText(100),
    category: optionalText(50).pipe(z.enum(categoryValues, 'Choose one of Meta’s business categories.').optional()),
    description: optionalText(512),
  })
  .superRefine((value, context) => {
    const business = [value.businessName, value.businessEmail, value.businessWebsite, value.businessCountry];
    if (business.some(Boolean) && !business.every(Boolean)) {
      for (const [field, present] of [
        ['businessName', value.businessName],
        ['businessEmail', value.businessEmail],
        ['businessWebsite', value.businessWebsite],
        ['businessCountry', value.businessCountry],
      ] as const) {
        if (!present)
          context.addIssue({ code: 'custom', path: [field], message: 'Meta pre-fills a business only with name, email, website and country together.' });
      }
    }
    const phone = [value.displayName, value.category, value.description];
    if (phone.some(Boolean) && !(value.displayName && value.category)) {
      context.addIssue({
        code: 'custom',
        path: [value.displayName ? 'category' : 'displayName'],
        message: 'A pre-filled profile needs a display name and a category.',
      });
    }
  });

export type Prefill = z.output<typeof prefillSchema>;

export const newLinkSchema = z
  .object({
    label: z.string().trim().min(1, 'Give the link a label, e.g. the campaign it is for.').max(100, 'At most 100 characters.'),
    flow: z.enum(signupFlows, 'Choose a flow.'),
    solutionId: optionalText(30).pipe(z.string().regex(/^\d+$/, 'A solution id is a number.').optional()),
    singleUse: z.boolean(),
    expiresInDays: z.coerce
      .number('Enter a number of days.')
      .int('Whole days only.')
      .min(1, 'Enter 1 to 365 days, or leave it empty for a link that never expires.')
      .max(365, 'Enter 1 to 365 days, or leave it empty for a link that never expires.')
      .optional(),
    prefill: prefillSchema,
    /** The partner's own reference for the customer, carried onto their business when the signup completes. */
    customerReference: optionalText(100),
  })
  .refine((link) => link.flow !== 'mps' || link.solutionId, { path: ['solutionId'], message: 'A Multi-Partner Solution link needs the solution id.' })
  .refine((link) => link.flow === 'mps' || !link.solutionId, { path: ['solutionId'], message: 'Only Multi-Partner Solution links carry a solution id.' });

export type NewLink = z.input<typeof newLinkSchema>;

function compactPrefill(prefill: Prefill): Prefill | null {
  const entries = Object.entries(prefill).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as Prefill) : null;
}

export async function createSignupLink(input: NewLink, createdBy: string | null): Promise<SignupLink> {
  const link = newLinkSchema.parse(input);
  const [row] = await db()
    .insert(signupLinks)
    .values({
      token: randomBytes(12).toString('base64url'),
      label: link.label,
      flow: link.flow,
      solutionId: link.solutionId ?? null,
      prefill: compactPrefill(link.prefill),
      customerReference: link.customerReference ?? null,
      singleUse: link.singleUse,
      expiresAt: link.expiresInDays === undefined ? null : new Date(Date.now() + link.expiresInDays * 86_400_000),
      createdBy,
    })
    .returning();
  return row!;
}

const solutionStatusText: Record<string, string> = {
  DRAFT: 'is still a draft',
  INITIATED: 'is waiting for its partner to accept the invitation',
  REJECTED: 'was declined by its partner',
  DEACTIVATED: 'was deactivated',
};

/**
 * Why Embedded Signup would refuse this Multi-Partner Solution, in plain words, or null when Meta
 * lists it as ACTIVE for our app (Meta: Multi-Partner Solutions; only active solutions onboard).
 * Read with the app token, which every partner type has.
 */
export async function solutionProblem(solutionId: string): Promise<string | null> {
  const { appId } = graphSettings();
  const solutions = await listSolutions(appId, appToken(), { step: 'check_solution' }, { fields: ['id', 'name', 'status'], limit: 100, maxPages: 20 });
  const solution = solutions.find((s) => s.id === solutionId);
  if (!solution) return `Meta lists no Multi-Partner Solution with id ${solutionId} for this app. Check the id.`;
  if (solution.status === 'ACTIVE') return null;
  const name = solution.name ? `“${solution.name}”` : `Solution ${solutionId}`;
  const why = (solution.status && solutionStatusText[solution.status]) ?? `is ${String(solution.status ?? 'in an unknown state').toLowerCase()}`;
  return `${name} ${why}; Meta only onboards customers through an active solution.`;
}

/** The link every installation has: the default flow, reusable, never expiring. */
export async function defaultSignupLink(): Promise<SignupLink> {
  await db()
    .insert(signupLinks)
    .values({ token: defaultLinkToken, label: 'Public signup page', flow: 'default' })
    .onConflictDoNothing({ target: signupLinks.token });
  const [row] = await db().select().from(signupLinks).where(eq(signupLinks.token, defaultLinkToken));
  return row!;
}

export type LinkProblem = 'unknown' | 'expired' | 'used' | 'disabled';

export function linkProblem(link: SignupLink | undefined, now = new Date()): LinkProblem | null {
  if (!link) return 'unknown';
  if (link.disabledAt) return 'disabled';
  if (link.singleUse && link.usedAt) return 'used';
  if (link.expiresAt && link.expiresAt <= now) return 'expired';
  return null;
}

export async function findSignupLink(token: string): Promise<SignupLink | undefined> {
  if (token === defaultLinkToken) return defaultSignupLink();
  if (!/^[\w-]{1,64}$/.test(token)) return undefined;
  const [row] = await db().select().from(signupLinks).where(eq(signupLinks.token, token));
  return row;
}

export async function disableSignupLink(id: string): Promise<boolean> {
  const disabled = await db()
    .update(signupLinks)
    .set({ disabledAt: new Date() })
    .where(and(eq(signupLinks.id, id), isNull(signupLinks.disabledAt)))
    .returning({ id: signupLinks.id });
  return disabled.length > 0;
}

export type LinkWithFunnel = SignupLink & { opened: number; launched: number; completed: number; lastUsedAt: Date | null };

/** Every link, newest first, with its funnel: pages opened, signups launched, onboardings completed. */
export async function listSignupLinks(): Promise<LinkWithFunnel[]> {
  await defaultSignupLink();
  const funnel = await db()
    .select({
      linkId: onboardingSessions.linkId,
      opened: count(),
      launched: count(onboardingSessions.launchedAt),
      completed: count(onboardingSessions.completedAt),
      lastUsedAt: max(onboardingSessions.createdAt),
    })
    .from(onboardingSessions)
    .groupBy(onboardingSessions.linkId);
  const byLink = new Map(funnel.map((row) => [row.linkId, row]));
  const links = await db().select().from(signupLinks).orderBy(desc(signupLinks.createdAt));
  return links.map((link) => {
    const row = byLink.get(link.id);
    return {
      ...link,
      opened: (row?.opened ?? 0) + link.prunedOpened,
      launched: row?.launched ?? 0,
      completed: row?.completed ?? 0,
      lastUsedAt: row?.lastUsedAt ?? null,
    };
  });
}
