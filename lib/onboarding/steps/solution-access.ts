import { appToken, graphSettings, type AuditContext, type GraphToken } from '@/lib/meta/graph';
import { listWabaSolutions, solutionFields, type Solution } from '@/lib/meta/solutions';
import { debugToken, type TokenInfo } from '@/lib/meta/tokens';

// Who does what on a WABA that came through a Multi-Partner Solution. Only one partner holds
// MESSAGING: that one registers the number and sends (Meta: Multi-Partner Solutions). Read with
// what every partner type has, the customer's business token and the app token: Tech Providers
// and Tech Partners use business tokens only, and a Solution Partner's system token is for its
// credit line (Meta: Solution Providers, Access Tokens).

export type SolutionAccess = {
  solutionId: string;
  /** The solution's name as Meta reports it on the WABA. */
  solutionName: string | null;
  /** Our app holds MESSAGING on the solution: we register the number and send. */
  messaging: boolean;
  /** The other partner's app, as Meta names it; null when Meta does not say. */
  partner: string | null;
};

function ourPermissions(solution: Solution, appId: string): string[] | undefined {
  if (solution.owner_app?.id === appId) return solution.owner_permissions;
  return solution.partners?.data.find((p) => p.partner_app?.id === appId)?.partner_permissions;
}

function otherPartner(solution: Solution, appId: string): string | null {
  if (solution.owner_app && solution.owner_app.id !== appId) return solution.owner_app.name || null;
  return solution.partners?.data.find((p) => p.partner_app && p.partner_app.id !== appId)?.partner_app?.name || null;
}

/** Whether the token may message on the WABA: `whatsapp_business_messaging` granted for it. */
export function grantsMessaging(info: TokenInfo, metaWabaId: string): boolean {
  const scope = info.granularScopes.find((g) => g.scope === 'whatsapp_business_messaging');
  if (!scope) return false;
  return scope.targetIds === undefined || scope.targetIds.includes(metaWabaId);
}

/**
 * What Meta says about our part in the solution: the solution's permissions when it reports them on
 * the WABA, otherwise what the customer granted our app in the signup (the business token's scopes).
 */
export async function solutionAccess(input: { solutionId: string; metaWabaId: string; token: GraphToken; audit: AuditContext }): Promise<SolutionAccess> {
  const { appId } = graphSettings();
  if (input.token.kind === 'none') throw new Error('Reading solution access needs the business token');
  const [solutions, info] = await Promise.all([
    listWabaSolutions(input.metaWabaId, input.token, input.audit, solutionFields),
    debugToken(input.token.value, appToken(), input.audit),
  ]);
  const solution = solutions.find((s) => s.id === input.solutionId);
  const permissions = solution ? ourPermissions(solution, appId) : undefined;
  return {
    solutionId: input.solutionId,
    solutionName: solution?.name ?? null,
    messaging: permissions ? permissions.includes('MESSAGING') : grantsMessaging(info, input.metaWabaId),
    partner: solution ? otherPartner(solution, appId) : null,
  };
}
