import { scheduleAutoDecisions } from '../decisions';
import { newId, type MessageTemplate, type TemplateCategory, type Token } from '../state';
import { emitTemplateStatus } from '../template-decisions';
import { authenticate, loadWaba, wabaAccess } from './auth';
import type { GraphContext } from './context';
import { listParam, stringParam } from './context';
import { graphError, invalidParameter, missingParameter, objectNotFound } from './errors';
import { pageOf, selectFields, type FieldGetters } from './fields';

// /{waba-id}/message_templates: create, list, delete (Meta: Templates; Template management;
// Message template status webhook). New templates start PENDING; the control API (or the
// auto-decision) approves or rejects them.

const categories: TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const componentTypes = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'];

function components(ctx: GraphContext): Record<string, unknown>[] {
  const raw = ctx.params.components;
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidParameter('components must be a JSON array');
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw missingParameter('components');
  const list = parsed.map((c) => (c && typeof c === 'object' ? (c as Record<string, unknown>) : {}));
  for (const c of list) {
    const type = String(c.type ?? '').toUpperCase();
    if (!componentTypes.includes(type)) throw invalidParameter(`components[].type must be one of ${componentTypes.join(', ')}`);
  }
  const body = list.find((c) => String(c.type).toUpperCase() === 'BODY');
  if (!body || typeof body.text !== 'string' || body.text.trim() === '')
    throw invalidParameter('A template needs a BODY component with text.', '(#100) Invalid parameter');
  if (body.text.length > 1024) throw invalidParameter('The BODY text is longer than 1024 characters.');
  return list;
}

/** Distinct {{1}} / {{name}} placeholders in the BODY: how many parameters a send must pass. */
export function templateParameterCount(t: MessageTemplate): number {
  const body = t.components.find((c) => String(c.type).toUpperCase() === 'BODY');
  const text = typeof body?.text === 'string' ? body.text : '';
  return new Set([...text.matchAll(/\{\{\s*([\w]+)\s*\}\}/g)].map((m) => m[1])).size;
}

function getters(t: MessageTemplate): FieldGetters {
  return {
    id: () => t.id,
    name: () => t.name,
    language: () => t.language,
    status: () => t.status,
    category: () => t.category,
    previous_category: () => t.previousCategory,
    components: () => t.components,
    parameter_format: () => t.parameterFormat,
    rejected_reason: () => t.rejectedReason,
    quality_score: () => ({ score: t.qualityScore, date: Math.floor(t.createdAt / 1000) }),
  };
}

const defaultFields = ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id'];

export function listTemplates(ctx: GraphContext, wabaId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, wabaId, 'read');
  const name = stringParam(ctx, 'name');
  const statuses = listParam(ctx, 'status');
  const category = listParam(ctx, 'category');
  const language = listParam(ctx, 'language');
  const list = Object.values(sb.state.templates)
    .filter((t) => t.wabaId === waba.id)
    .filter((t) => !name || t.name.includes(name))
    .filter((t) => !statuses || statuses.includes(t.status))
    .filter((t) => !category || category.includes(t.category))
    .filter((t) => !language || language.includes(t.language))
    .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  return pageOf(ctx, 'MessageTemplate', list, getters, defaultFields);
}

export function createTemplate(ctx: GraphContext, wabaId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, wabaId, 'manage');
  const name = stringParam(ctx, 'name');
  const language = stringParam(ctx, 'language');
  const category = stringParam(ctx, 'category')?.toUpperCase();
  if (!name) throw missingParameter('name');
  if (!/^[a-z0-9_]{1,512}$/.test(name)) throw invalidParameter('name may only contain lowercase letters, digits and underscores (at most 512 characters).');
  if (!language) throw missingParameter('language');
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) throw invalidParameter(`language ${language} is not a supported language code (e.g. en_US).`);
  if (!category) throw missingParameter('category');
  if (!categories.includes(category as TemplateCategory)) throw invalidParameter(`category must be one of ${categories.join(', ')}`);
  const list = components(ctx);
  if (Object.values(sb.state.templates).some((t) => t.wabaId === waba.id && t.name === name && t.language === language)) {
    throw graphError({
      message: '(#100) Invalid parameter',
      type: 'OAuthException',
      code: 100,
      error_subcode: 2388024,
      error_user_title: 'Message template already exists',
      error_user_msg: `There is already ${language} content for this template. You can create a new template and try again.`,
    });
  }
  const format = stringParam(ctx, 'parameter_format')?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  const template: MessageTemplate = {
    id: newId(sb),
    wabaId: waba.id,
    name,
    language,
    category: category as TemplateCategory,
    components: list,
    parameterFormat: format,
    status: 'PENDING',
    rejectedReason: 'NONE',
    qualityScore: 'UNKNOWN',
    createdAt: sb.clock.now(),
  };
  sb.state.templates[template.id] = template;
  scheduleAutoDecisions(sb, { templateId: template.id });
  return { id: template.id, status: template.status, category: template.category };
}

/** DELETE /{waba-id}/message_templates?name= (every language) or &hsm_id= (one template). */
export function deleteTemplate(ctx: GraphContext, wabaId: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const waba = loadWaba(ctx, token, wabaId, 'manage');
  const name = stringParam(ctx, 'name');
  const hsmId = stringParam(ctx, 'hsm_id');
  if (!name) throw missingParameter('name');
  const matches = Object.values(sb.state.templates).filter((t) => t.wabaId === waba.id && t.name === name && (!hsmId || t.id === hsmId));
  if (matches.length === 0) throw invalidParameter(`Message template "${name}" was not found on this WhatsApp Business Account.`, '(#100) Invalid parameter');
  for (const t of matches) {
    delete sb.state.templates[t.id];
    emitTemplateStatus(sb, t, 'DELETED', 'NONE');
  }
  return { success: true };
}

export function readTemplate(ctx: GraphContext, token: Token, t: MessageTemplate) {
  const waba = ctx.sb.state.wabas[t.wabaId];
  if (!waba || wabaAccess(ctx, token, waba) === 'none') throw objectNotFound(t.id, 'get');
  return selectFields(ctx, 'MessageTemplate', getters(t), defaultFields);
}
