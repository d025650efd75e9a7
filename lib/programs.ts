import { readSetting, type PartnerType, type SolutionPartnerTier } from '@/lib/settings';

// Meta's partner programs that apply to a partner type (Meta: Solution providers): the staff
// navigation and the programs' own pages and actions ask here.

export type Program = 'verification' | 'readiness' | 'analytics' | 'msc';

export type ProgramSettings = { partnerType: PartnerType; tier: SolutionPartnerTier };

export async function programSettings(): Promise<ProgramSettings> {
  const [partnerType, tier] = await Promise.all([readSetting('partner.type'), readSetting('partner.solutionPartnerTier')]);
  return { partnerType, tier };
}

/** Why a program does not apply to these settings, or null when it does. */
export function programRefusal(program: Program, { partnerType, tier }: ProgramSettings): string | null {
  switch (program) {
    // Meta: Partner-led Business Verification — approved Select and Premier Solution Partners only.
    case 'verification':
      if (partnerType !== 'solution_partner') return 'Partner-led business verification is only for Solution Partners in the Select or Premier tier.';
      if (tier === 'none')
        return 'Partner-led business verification is only for Select and Premier Solution Partners: an admin sets your tier under Settings once Meta has approved you.';
      return null;
    // Meta: Upgrading to a Tech Partner — the upgrade is a Tech Provider's.
    case 'readiness':
      return partnerType === 'tech_provider' ? null : 'The Tech Partner upgrade is for Tech Providers.';
    // Meta: Measurement Partners — read-only analytics access to their clients' accounts.
    case 'analytics':
      return partnerType === 'measurement_partner' ? null : 'Customer analytics is the Measurement Partner program.';
    // Meta: How to use Multi-Solution Conversations — Measurement Partner onboarding is not supported.
    case 'msc':
      return partnerType === 'measurement_partner' ? 'Multi-Solution Conversations does not support Measurement Partners.' : null;
  }
}

export function programsFor(settings: ProgramSettings): Program[] {
  return (['verification', 'readiness', 'analytics', 'msc'] as const).filter((p) => programRefusal(p, settings) === null);
}

/** Multi-Partner Solutions and partner-initiated WABAs, per partner type. */
export type SolutionRules = {
  /** Multi-Partner Solutions: Solution Partners, Tech Providers and Tech Partners (upgraded Tech Providers). */
  solutions: boolean;
  /** Partner-initiated WABA creation in Meta Business Suite: Solution Partners only. */
  wabaRequests: boolean;
  /** 200 new customers per rolling 7 days for a Tech Provider in a solution. */
  onboardingLimit: boolean;
  /** Which token writes to solutions: Solution Partners use their system token; Tech Providers and Tech Partners never do. */
  solutionWrites: 'system_token' | 'login';
};

export function solutionRules(type: PartnerType): SolutionRules {
  return {
    solutions: type !== 'measurement_partner',
    wabaRequests: type === 'solution_partner',
    onboardingLimit: type === 'tech_provider',
    solutionWrites: type === 'solution_partner' ? 'system_token' : 'login',
  };
}

/** Tech Providers and Tech Partners use business tokens only (Meta: Solution providers, Access Tokens). */
export function mayUseSystemToken(type: PartnerType): boolean {
  return type === 'solution_partner';
}
