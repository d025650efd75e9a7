import { graphSettings, systemToken, type AuditContext } from '@/lib/meta/graph';
import { getSolution } from '@/lib/meta/solutions';

// Whether our app holds MESSAGING on the Multi-Partner Solution a WABA came through (reference §8).
// Without it Meta refuses MANAGE on the WABA (§7) and the messaging partner registers the number.

export async function solutionGrantsUsMessaging(solutionId: string, audit: AuditContext): Promise<boolean> {
  const { appId } = graphSettings();
  const solution = await getSolution(solutionId, systemToken(), audit);
  if (solution.owner_app?.id === appId) return (solution.owner_permissions ?? []).includes('MESSAGING');
  const us = solution.partners?.data.find((p) => p.partner_app?.id === appId);
  return (us?.partner_permissions ?? []).includes('MESSAGING');
}
