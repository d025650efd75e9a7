'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { publicUrl } from '@/lib/env';
import { defaultLinkToken } from '@/lib/onboarding/links';
import { changeSolution, createOwnSolution, createTechProviderSolution, loginApps } from '@/lib/solutions/manage';
import { addWabaToSolution, migrationAuditAction, migrationSteps, solutionLink } from '@/lib/solutions/migration';
import { solutionRules } from '@/lib/programs';
import { solutionActionLabels, solutionActions } from '@/lib/solutions/states';
import { refreshSolutions } from '@/lib/solutions/store';
import { partnerType } from '@/lib/settings';
import { staffAction } from '@/lib/staff-action';
import { UserError } from '@/lib/user-error';

// Staff actions on Multi-Partner Solutions. A `token` field is the user token of a
// manage_app_solution login: used by the action that receives it, never stored, logged or audited.

const solutionIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,30}$/, 'This solution does not exist.');
const appIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,30}$/, 'An app id is a number (App Dashboard › App settings › Basic).');
const nameSchema = z.string().trim().min(1, 'Give the solution a name both partners will recognise.').max(100, 'At most 100 characters.');
const messagingSchema = z.enum(['us', 'partner'], 'Choose which app sends messages: exactly one of the two holds MESSAGING.');
const loginTokenSchema = z.string().min(10, 'Sign in with Facebook first.').max(4096).optional();

async function solutionsType() {
  const type = await partnerType();
  if (!solutionRules(type).solutions) throw new UserError('Multi-Partner Solutions are not available to Measurement Partners.');
  return type;
}

function refresh(solutionId?: string) {
  revalidatePath('/solutions');
  if (solutionId) revalidatePath(`/solutions/${solutionId}`);
}

export const refreshSolutionsAction = staffAction({ action: 'solution.refresh', role: 'operator', schema: z.object({}).loose() }, async () => {
  await solutionsType();
  const n = await refreshSolutions({ step: 'solution.refresh' });
  refresh();
  return { ok: `Read ${n} solution${n === 1 ? '' : 's'} from Meta.`, details: { solutions: n } };
});

export const createSolutionAction = staffAction(
  {
    action: 'solution.create',
    role: 'operator',
    schema: z.object({ name: nameSchema, partnerAppId: appIdSchema, messaging: messagingSchema, token: loginTokenSchema }),
  },
  async (input) => {
    const type = await solutionsType();
    const created = await createOwnSolution(
      type,
      { name: input.name, partnerAppId: input.partnerAppId, messaging: input.messaging, login: input.token },
      { step: 'solution.create' },
    );
    refresh();
    return {
      ok: `“${created.name ?? created.metaSolutionId}” was sent to the partner app ${input.partnerAppId}. It stays Pending until they accept it.`,
      target: created.metaSolutionId,
      details: { name: input.name, partnerAppId: input.partnerAppId, messaging: input.messaging },
    };
  },
);

export const loginAppsAction = staffAction(
  { action: 'solution.login_apps', role: 'operator', schema: z.object({ token: z.string().min(10, 'The Facebook login did not return a token.').max(4096) }) },
  async ({ token }) => {
    await solutionsType();
    const apps = await loginApps(token, { step: 'solution.login_apps' });
    if (apps.length === 0) throw new UserError('No app was chosen in the login window. Sign in again and choose at least one app.');
    return { ok: `Choose one of the ${apps.length} app${apps.length === 1 ? '' : 's'} allowed in the login window.`, data: { apps } };
  },
);

export const createTechProviderSolutionAction = staffAction(
  {
    action: 'solution.create_embedded',
    role: 'operator',
    schema: z.object({
      token: z.string().min(10, 'Sign in with Facebook first.').max(4096),
      techProviderAppId: appIdSchema,
      name: nameSchema,
      messaging: messagingSchema,
    }),
  },
  async (input) => {
    const type = await solutionsType();
    const created = await createTechProviderSolution(
      type,
      { login: input.token, techProviderAppId: input.techProviderAppId, name: input.name, messaging: input.messaging },
      { step: 'solution.create_embedded' },
    );
    refresh();
    return {
      ok: `“${created.name ?? created.metaSolutionId}” was created on app ${input.techProviderAppId} and accepted: it is ${created.state === 'active' ? 'Active' : created.state}. Its id is ${created.metaSolutionId}.`,
      target: created.metaSolutionId,
      details: { name: input.name, techProviderAppId: input.techProviderAppId, messaging: input.messaging },
    };
  },
);

export const changeSolutionAction = staffAction(
  {
    action: 'solution.change',
    role: 'operator',
    schema: z.object({ solutionId: solutionIdSchema, action: z.enum(solutionActions, 'Unknown action.'), token: loginTokenSchema }),
    targetOf: (input) => input.solutionId,
  },
  async (input) => {
    const type = await solutionsType();
    const { before, after } = await changeSolution(type, input.solutionId, input.action, input.token, { step: `solution.${input.action}` });
    refresh(input.solutionId);
    return {
      ok: `${solutionActionLabels[input.action]}: done. Meta now reports it as ${after.state.replace('_', ' ')}.`,
      action: `solution.${input.action}`,
      target: input.solutionId,
      details: { from: before.state, to: after.state },
    };
  },
);

export const addWabaToSolutionAction = staffAction(
  {
    action: migrationAuditAction,
    role: 'operator',
    schema: z.object({
      solutionId: solutionIdSchema,
      metaWabaId: z
        .string()
        .trim()
        .regex(/^\d{1,30}$/, 'Choose a WhatsApp Business Account.'),
    }),
    targetOf: (input) => input.solutionId,
  },
  async (input) => {
    await solutionsType();
    const { intentId } = await addWabaToSolution(input.solutionId, input.metaWabaId, { step: 'solution.migration_intent' });
    const link = await solutionLink(input.solutionId);
    const url = link ? (link.token === defaultLinkToken ? `${publicUrl}/signup` : `${publicUrl}/signup/${link.token}`) : null;
    refresh(input.solutionId);
    return {
      ok: `Meta recorded the move (intent ${intentId}). Tell the customer: ${migrationSteps(url).join(' ')}`,
      target: input.solutionId,
      details: { metaWabaId: input.metaWabaId, intentId },
      data: { steps: migrationSteps(url) },
    };
  },
);
