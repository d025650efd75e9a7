import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson, sendText } from '../http';
import {
  businessInputSchema,
  cancelMessage,
  chooseApps,
  chooseBusiness,
  chooseLogin,
  choosePhone,
  chooseWaba,
  confirmSignup,
  getSession,
  isEsError,
  isEsInputError,
  loginInputSchema,
  phoneInputSchema,
  profileInputSchema,
  sessionView,
  setProfile,
  startSession,
  verifyPhone,
  wabaInputSchema,
} from '../signup';
import type { Sandbox } from '../state';
import { dialogPage } from './dialog-page';
import { z } from 'zod';

/** GET /{version}/dialog/oauth: where FB.login's popup opens (as on www.facebook.com). */
export function serveDialog(sb: Sandbox, res: ServerResponse, url: URL): void {
  const q = url.searchParams;
  const origin = q.get('origin') ?? '';
  let originOk = false;
  try {
    originOk = ['http:', 'https:'].includes(new URL(origin).protocol);
  } catch {
    originOk = false;
  }
  if (!originOk) {
    sendText(
      res,
      400,
      '<!doctype html><p>Missing or invalid <code>origin</code>: open this dialog with FB.login from the sandbox SDK (/sdk.js).</p>',
      'text/html; charset=utf-8',
    );
    return;
  }
  let extras: unknown = {};
  try {
    extras = JSON.parse(q.get('extras') ?? '{}');
  } catch {
    extras = {};
  }
  const session = startSession(sb, {
    appId: q.get('client_id') ?? q.get('app_id') ?? '',
    ...(q.get('config_id') ? { configId: q.get('config_id') ?? '' } : {}),
    extras,
    origin: new URL(origin).origin,
    scope: q.get('scope') ?? '',
  });
  const html = dialogPage({ view: sessionView(sb, session), origin: session.origin, cbt: q.get('cbt') ?? '' });
  sendText(res, 200, html, 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
}

const verifySchema = z.object({ code: z.string(), shareHistory: z.boolean().optional() });
const appsSchema = z.object({ appIds: z.array(z.string()) });

/** GET /dialog/es/{session}/closed: the SDK's hidden frame, when the popup vanished without a word. */
export function serveClosedFrame(sb: Sandbox, res: ServerResponse, sessionId: string): void {
  const session = getSession(sb, sessionId);
  const message = session && !session.reported ? cancelMessage(sb, session) : undefined;
  if (session) session.reported = true;
  const script = message
    ? `<script>parent.postMessage(${JSON.stringify(JSON.stringify(message)).replace(/</g, '\\u003c')}, ${JSON.stringify(session?.origin ?? '')});</script>`
    : '';
  sendText(res, 200, `<!doctype html><title>xd</title>${script}`, 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
}

/** POST /dialog/es/{session}/{action}: one call per screen of the popup. */
export async function handleDialogAction(sb: Sandbox, req: IncomingMessage, res: ServerResponse, sessionId: string, action: string): Promise<void> {
  const session = getSession(sb, sessionId);
  if (!session) {
    sendJson(res, 404, { inputError: 'This signup session has ended. Close the window and start again.' });
    return;
  }
  let body: unknown = {};
  try {
    const raw = await readBody(req);
    body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    sendJson(res, 400, { inputError: 'Invalid request', view: sessionView(sb, session) });
    return;
  }
  const parse = <T>(schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw Object.assign(new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')), { esInput: true });
    return parsed.data;
  };
  try {
    switch (action) {
      case 'login':
        chooseLogin(sb, session, parse(loginInputSchema));
        break;
      case 'business':
        chooseBusiness(sb, session, parse(businessInputSchema));
        break;
      case 'waba':
        chooseWaba(sb, session, parse(wabaInputSchema));
        break;
      case 'phone':
        choosePhone(sb, session, parse(phoneInputSchema));
        break;
      case 'verify':
        verifyPhone(sb, session, parse(verifySchema));
        break;
      case 'profile':
        setProfile(sb, session, parse(profileInputSchema));
        break;
      case 'apps':
        chooseApps(sb, session, parse(appsSchema).appIds);
        break;
      case 'confirm':
        confirmSignup(sb, session);
        break;
      default:
        sendJson(res, 404, { inputError: `Unknown action ${action}`, view: sessionView(sb, session) });
        return;
    }
    sendJson(res, 200, { view: sessionView(sb, session) });
  } catch (error) {
    if (isEsError(error)) {
      sendJson(res, 422, { view: sessionView(sb, session) });
      return;
    }
    if (isEsInputError(error)) {
      sendJson(res, 400, { inputError: error.message, view: sessionView(sb, session) });
      return;
    }
    throw error;
  }
}
