import { z } from 'zod';
import {
  type AuditContext,
  type GraphToken,
  fieldList,
  graphIdSchema,
  graphList,
  graphRequest,
  lenientEnum,
  pageSchema,
  successSchema,
  readNode,
} from '@/lib/meta/graph';

// Multi-Partner Solutions (docs/meta/multi-partner-solutions.md).

export const solutionStatusSchema = lenientEnum(['DRAFT', 'INITIATED', 'ACTIVE', 'REJECTED', 'DEACTIVATED'] as const);

const appRefSchema = z.looseObject({ id: graphIdSchema, name: z.string().optional(), link: z.string().optional() });

export const solutionSchema = z.looseObject({
  id: graphIdSchema,
  name: z.string().optional(),
  status: solutionStatusSchema.optional(),
  status_for_pending_request: lenientEnum(['PENDING_ACTIVATION', 'PENDING_DEACTIVATION', 'NONE'] as const).optional(),
  owner_app: appRefSchema.optional(),
  owner_permissions: z.array(z.string()).optional(),
  partners: pageSchema(
    z.looseObject({
      id: graphIdSchema.optional(),
      partner_app: appRefSchema.optional(),
      partner_permissions: z.array(z.string()).optional(),
      status: z.string().optional(),
    }),
  ).optional(),
});

export type Solution = z.output<typeof solutionSchema>;

export const solutionFields = [
  'id',
  'name',
  'status',
  'status_for_pending_request',
  'owner_app{id,name}',
  'owner_permissions',
  'partners{partner_app,partner_permissions,status}',
] as const;

export type NewSolution = {
  name: string;
  partnerAppId: string;
  /** Only MESSAGING is configurable, and exactly one of the two apps may have it (docs/meta/multi-partner-solutions.md). */
  ownerPermissions: readonly 'MESSAGING'[];
  partnerPermissions: readonly 'MESSAGING'[];
};

/** Creates a solution owned by `ownerAppId`; it starts INITIATED (invitation sent). Returns its id. */
export async function createSolution(ownerAppId: string, input: NewSolution, token: GraphToken, audit: AuditContext = {}): Promise<string> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${ownerAppId}/whatsapp_business_solution`,
    json: {
      solution_name: input.name,
      partner_app_id: input.partnerAppId,
      owner_permissions: input.ownerPermissions,
      partner_permissions: input.partnerPermissions,
    },
    token,
    audit,
    schema: z.looseObject({ solution_id: graphIdSchema }),
  });
  return result.solution_id;
}

export async function listSolutions(
  appId: string,
  token: GraphToken,
  audit: AuditContext = {},
  options: { role?: 'OWNER' | 'PARTNER'; fields?: readonly string[]; limit?: number; maxPages?: number } = {},
): Promise<Solution[]> {
  return graphList({
    path: `/${appId}/whatsapp_business_solutions`,
    query: {
      role: options.role,
      fields: fieldList(options.fields ?? ['id', 'name', 'status', 'status_for_pending_request']),
      limit: options.limit,
    },
    token,
    audit,
    item: solutionSchema,
    maxPages: options.maxPages,
  });
}

export async function getSolution(
  solutionId: string,
  token: GraphToken,
  audit: AuditContext = {},
  fields: readonly string[] = solutionFields,
): Promise<Solution> {
  return readNode(solutionId, fields, solutionSchema, token, audit);
}

/** The solutions that onboarded a WABA (business token); `fields` as for one solution, Meta's default when omitted. */
export async function listWabaSolutions(wabaId: string, token: GraphToken, audit: AuditContext = {}, fields?: readonly string[]): Promise<Solution[]> {
  return graphList({ path: `/${wabaId}/solutions`, query: { fields: fields ? fieldList(fields) : undefined }, token, audit, item: solutionSchema });
}

export type SolutionTransition = 'accept' | 'reject' | 'send_deactivation_request' | 'accept_deactivation_request' | 'reject_deactivation_request';

/**
 * A state change (docs/meta/multi-partner-solutions.md). `accept` cannot be undone: read the solution first.
 * Deactivation is requested by the owner and accepted or rejected by the other party.
 */
export async function transitionSolution(solutionId: string, transition: SolutionTransition, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  await graphRequest({ method: 'POST', path: `/${solutionId}/${transition}`, token, audit, schema: successSchema });
}

export function acceptSolution(solutionId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  return transitionSolution(solutionId, 'accept', token, audit);
}

export function rejectSolution(solutionId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  return transitionSolution(solutionId, 'reject', token, audit);
}

export function requestSolutionDeactivation(solutionId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  return transitionSolution(solutionId, 'send_deactivation_request', token, audit);
}

export function acceptSolutionDeactivation(solutionId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  return transitionSolution(solutionId, 'accept_deactivation_request', token, audit);
}

export function rejectSolutionDeactivation(solutionId: string, token: GraphToken, audit: AuditContext = {}): Promise<void> {
  return transitionSolution(solutionId, 'reject_deactivation_request', token, audit);
}

/**
 * The customer's business token for a solution partner that did not host the signup
 * (docs/meta/multi-partner-solutions.md), with the partner system token.
 */
export async function getSolutionAccessToken(
  solutionId: string,
  customerBusinessId: string,
  systemToken: GraphToken,
  audit: AuditContext = {},
): Promise<string> {
  const result = await graphRequest({
    method: 'GET',
    path: `/${solutionId}/access_token`,
    query: { business_id: customerBusinessId },
    token: systemToken,
    audit,
    schema: z.looseObject({ data: z.array(z.looseObject({ access_token: z.string().min(1) })).min(1) }),
  });
  return result.data[0]!.access_token;
}

/** The apps a Tech Provider chose in the embedded MPS creation login, with its user token (docs/meta/multi-partner-solutions.md). */
export async function listApplicationDetails(userToken: GraphToken, audit: AuditContext = {}): Promise<{ id: string; name?: string; link?: string }[]> {
  const apps = await graphList({ path: '/me/application_details', token: userToken, audit, item: appRefSchema });
  return apps.map((a) => ({ id: a.id, name: a.name, link: a.link }));
}

export type MigrationTarget = { solutionId: string } | { appId: string };

/**
 * Marks a WABA for moving into a solution (`solution_id`) or off one (`app_id`), with the customer's
 * business token; the customer then runs the destination's Embedded Signup, which creates a new WABA
 * (Meta: Migrating business customer assets).
 */
export async function setSolutionMigrationIntent(wabaId: string, target: MigrationTarget, token: GraphToken, audit: AuditContext = {}): Promise<string> {
  const result = await graphRequest({
    method: 'POST',
    path: `/${wabaId}/set_solution_migration_intent`,
    json: 'solutionId' in target ? { solution_id: target.solutionId } : { app_id: target.appId },
    token,
    audit,
    schema: z.looseObject({ id: graphIdSchema }),
  });
  return result.id;
}
