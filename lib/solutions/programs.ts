import type { PartnerType } from '@/lib/settings';

// Which partner programs apply to a partner type (Meta: Solution providers; Multi-Partner Solutions;
// Partner-initiated WABA creation). The navigation, the pages and their actions all ask here.

export type Programs = {
  /** Multi-Partner Solutions: Solution Partners, Tech Providers and Tech Partners (upgraded Tech Providers). */
  solutions: boolean;
  /** Partner-initiated WABA creation in Meta Business Suite: Solution Partners only. */
  wabaRequests: boolean;
  /** 200 new customers per rolling 7 days for a Tech Provider in a solution. */
  onboardingLimit: boolean;
  /** Which token writes to solutions: Solution Partners use their system token; Tech Providers and Tech Partners never do. */
  solutionWrites: 'system_token' | 'login';
};

export function programsFor(type: PartnerType): Programs {
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
