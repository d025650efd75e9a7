import { appToken, graphSettings, systemToken, userToken, type AuditContext, type GraphToken } from '@/lib/meta/graph';
import {
  acceptSolution,
  acceptSolutionDeactivation,
  createSolution,
  getSolution,
  listApplicationDetails,
  rejectSolution,
  rejectSolutionDeactivation,
  requestSolutionDeactivation,
} from '@/lib/meta/solutions';
import { solutionRules } from '@/lib/programs';
import { permission, type SolutionAction } from '@/lib/solutions/states';
import { factsOf, refreshSolution, saveSolution, storedSolution, type SolutionRow } from '@/lib/solutions/store';
import type { PartnerType } from '@/lib/settings';
import { UserError } from '@/lib/user-error';

// Creating solutions and moving them between states (docs/meta/multi-partner-solutions.md). A
// Solution Partner writes with its system token; Tech Providers and Tech Partners use business
// tokens only (Meta: Solution providers, Access Tokens), so they write with the user token of a
// `manage_app_solution` login (Meta: Multi-Partner Solution — Embedded creation), which is used in
// the request that receives it and never stored or logged.

/** Who holds MESSAGING on a new solution: exactly one of the two apps (Meta: Multi-Partner Solutions). */
export type MessagingHolder = 'us' | 'partner';

export type LoginApp = { id: string; name?: string };

function requirePrograms(type: PartnerType) {
  const programs = solutionRules(type);
  if (!programs.solutions) throw new UserError('Multi-Partner Solutions are not available to Measurement Partners.');
  return programs;
}

/** The apps the person chose in the `manage_app_solution` login window. */
export async function loginApps(token: string, audit: AuditContext = {}): Promise<LoginApp[]> {
  const apps = await listApplicationDetails(userToken(token), audit);
  return apps.map((a) => ({ id: a.id, name: a.name }));
}

async function loginFor(_type: PartnerType, token: string | undefined, audit: AuditContext): Promise<GraphToken> {
  if (!token) throw new UserError('Sign in with Facebook first: as a Tech Provider, Onramp changes solutions with your own login, never with a system token.');
  const { appId } = graphSettings();
  const apps = await loginApps(token, audit);
  if (!apps.some((a) => a.id === appId)) {
    throw new UserError(`In the login window, choose this portal’s app (${appId}); the account you signed in with did not allow it to manage solutions.`);
  }
  return userToken(token);
}

/** The token a solution write uses for this partner type. */
export async function writeToken(type: PartnerType, login: string | undefined, audit: AuditContext = {}): Promise<GraphToken> {
  return requirePrograms(type).solutionWrites === 'system_token' ? systemToken() : loginFor(type, login, audit);
}

function checkPartnerApp(partnerAppId: string): void {
  if (partnerAppId === graphSettings().appId) {
    throw new UserError('That is this portal’s own app: enter your partner’s app id.', { partnerAppId: ['Enter your partner’s app id, not ours.'] });
  }
}

function permissionsFor(holder: MessagingHolder, weOwn: boolean) {
  const ownerHolds = weOwn ? holder === 'us' : holder === 'partner';
  return { ownerPermissions: ownerHolds ? (['MESSAGING'] as const) : [], partnerPermissions: ownerHolds ? [] : (['MESSAGING'] as const) };
}

export type NewSolutionInput = { name: string; partnerAppId: string; messaging: MessagingHolder; login?: string };

/** A solution owned by our app, sent to the partner at once (it starts Pending). */
export async function createOwnSolution(type: PartnerType, input: NewSolutionInput, audit: AuditContext = {}): Promise<SolutionRow> {
  checkPartnerApp(input.partnerAppId);
  const token = await writeToken(type, input.login, audit);
  const id = await createSolution(
    graphSettings().appId,
    { name: input.name, partnerAppId: input.partnerAppId, ...permissionsFor(input.messaging, true) },
    token,
    audit,
  );
  return refreshSolution(id, audit);
}

export type TechProviderSolutionInput = { login: string; techProviderAppId: string; name: string; messaging: MessagingHolder };

/**
 * Embedded creation, hosted by a Solution Partner: the Tech Provider's login creates the solution
 * on the app it chose, with us as the partner, and we accept it with our system token.
 */
export async function createTechProviderSolution(type: PartnerType, input: TechProviderSolutionInput, audit: AuditContext = {}): Promise<SolutionRow> {
  if (type !== 'solution_partner') throw new UserError('Only a Solution Partner hosts embedded creation for Tech Providers.');
  const apps = await loginApps(input.login, audit);
  if (!apps.some((a) => a.id === input.techProviderAppId)) {
    throw new UserError('Choose one of the apps the Tech Provider allowed in the login window.', { techProviderAppId: ['Choose one of the allowed apps.'] });
  }
  checkPartnerApp(input.techProviderAppId);
  const id = await createSolution(
    input.techProviderAppId,
    { name: input.name, partnerAppId: graphSettings().appId, ...permissionsFor(input.messaging, false) },
    userToken(input.login),
    audit,
  );
  await acceptSolution(id, systemToken(), audit);
  return refreshSolution(id, audit);
}

/** The Graph call behind each action (Meta: Multi-Partner Solutions, state transitions). */
const transitions: Record<SolutionAction, (solutionId: string, token: GraphToken, audit: AuditContext) => Promise<void>> = {
  accept: acceptSolution,
  reject: rejectSolution,
  request_deactivation: requestSolutionDeactivation,
  accept_deactivation: acceptSolutionDeactivation,
  reject_deactivation: rejectSolutionDeactivation,
};

/**
 * Moves a solution to its next state if Meta's current state permits it: reads it first (accepting
 * cannot be undone), then calls Meta, then reads it back.
 */
export async function changeSolution(
  type: PartnerType,
  solutionId: string,
  action: SolutionAction,
  login: string | undefined,
  audit: AuditContext = {},
): Promise<{ before: SolutionRow; after: SolutionRow }> {
  requirePrograms(type);
  const current = await getSolution(solutionId, appToken(), audit);
  await saveSolution(current);
  const before = await refreshedRow(solutionId);
  const allowed = permission(action, factsOf(before));
  if (!allowed.allowed) throw new UserError(allowed.reason);
  const token = await writeToken(type, login, audit);
  await transitions[action](solutionId, token, audit);
  return { before, after: await refreshSolution(solutionId, audit) };
}

async function refreshedRow(solutionId: string): Promise<SolutionRow> {
  const row = await storedSolution(solutionId);
  if (!row) throw new UserError('Meta does not list this solution for our app.');
  return row;
}
