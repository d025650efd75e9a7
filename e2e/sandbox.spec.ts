import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { advanceTo, clickAndClose, type PopupStep } from './popup';

// The sandbox's Embedded Signup in a real browser: a bare page on http://localhost loads the SDK
// stand-in from http://127.0.0.1 (another origin), calls FB.login and completes or cancels the popup.

const APP_ID = '1000000000000001';
const CONFIG_ID = '5000000000000001';

let sandbox: RunningSandbox;
let page: Server;
let pageUrl = '';

function testPage(sdkOrigin: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>ES test page</title>
<script>
  window.messages = [];
  window.callbacks = [];
  window.addEventListener('message', function (event) { window.messages.push({ origin: event.origin, data: event.data }); });
  window.fbAsyncInit = function () {
    FB.init({ appId: '${APP_ID}', autoLogAppEvents: true, xfbml: true, version: 'v25.0' });
    window.sdkReady = true;
  };
  window.launch = function (extras) {
    if (window.fbq) fbq('trackCustom', 'WhatsAppOnboardingStart', { appId: '${APP_ID}', feature: 'whatsapp_embedded_signup' });
    FB.login(function (response) { window.callbacks.push(response); }, {
      config_id: '${CONFIG_ID}', response_type: 'code', override_default_response_type: true,
      extras: extras || { setup: {}, featureType: '', sessionInfoVersion: '3' }
    });
  };
  !function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','${sdkOrigin}/fbevents.js');
  fbq('init', '6000000000000001');
  fbq('track', 'PageView', { appId: '${APP_ID}', feature: 'whatsapp_embedded_signup' });
</script>
<script async defer crossorigin="anonymous" src="${sdkOrigin}/en_US/sdk.js"></script>
</head><body>
<button id="launch" onclick="launch()">Connect WhatsApp</button>
<button id="launch-mps-active" onclick="launch({ setup: { solutionID: '7000000000000001' }, featureType: '', sessionInfoVersion: '3' })">Connect via active solution</button>
<button id="launch-mps" onclick="launch({ setup: { solutionID: '7000000000000002' }, featureType: '', sessionInfoVersion: '3' })">Connect via solution</button>
</body></html>`;
}

test.beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    latency: 'none',
    scenario: 'demo',
    log: () => {},
    autoDecisions: { wabaReviewSeconds: null, displayNameSeconds: null, businessVerificationSeconds: null },
  });
  const html = testPage(sandbox.url);
  page = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
  pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  await sandbox?.close();
  await new Promise<void>((r) => page?.close(() => r()));
});

test.beforeEach(async () => {
  await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
});

type Steps = PopupStep;

async function openPopup(p: Page, button = '#launch') {
  await p.goto(pageUrl);
  await p.waitForFunction(() => (window as unknown as { sdkReady?: boolean }).sdkReady === true);
  const [popup] = await Promise.all([p.waitForEvent('popup'), p.click(button)]);
  await popup.waitForLoadState('domcontentloaded');
  return popup;
}

type Seen = {
  messages: { origin: string; data: unknown }[];
  callbacks: { status: string; authResponse: null | { code?: string; accessToken?: string | null } }[];
};
const seen = (p: Page) => p.evaluate(() => ({ messages: (window as unknown as Seen).messages, callbacks: (window as unknown as Seen).callbacks }));

function sessionMessages(s: Seen) {
  return s.messages
    .filter((m) => typeof m.data === 'string')
    .flatMap((m) => {
      try {
        const parsed = JSON.parse(m.data as string) as { type?: string };
        return parsed.type === 'WA_EMBEDDED_SIGNUP' ? [{ origin: m.origin, ...parsed }] : [];
      } catch {
        return [];
      }
    }) as { origin: string; type: string; event: string; data: Record<string, string> }[];
}

const exchange = (code: string) =>
  fetch(`${sandbox.url}/v25.0/oauth/access_token?${new URLSearchParams({ client_id: APP_ID, client_secret: 'sandbox-app-secret', code })}`).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { access_token?: string; error?: { code: number } },
  }));

test('completes Embedded Signup: the page gets the code and FINISH; the code exchanges once', async ({ page: p }) => {
  const popup = await openPopup(p);
  expect(await advanceTo(popup, 'success')).toEqual(['login', 'business', 'waba', 'phone', 'verify', 'profile', 'permissions', 'success']);
  await clickAndClose(popup, '#finish');
  await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
  const s = await seen(p);
  const response = s.callbacks[0];
  expect(response?.status).toBe('connected');
  expect(response?.authResponse?.accessToken).toBeNull();
  const code = response?.authResponse?.code ?? '';
  expect(code.length).toBeGreaterThan(20);

  const finish = sessionMessages(s).filter((m) => m.event === 'FINISH');
  expect(finish).toHaveLength(1);
  expect(finish[0]?.origin).toBe(sandbox.url);
  expect(Object.keys(finish[0]?.data ?? {}).sort()).toEqual(['business_id', 'phone_number_id', 'waba_id']);
  expect(finish[0]?.data.business_id).toBe('2100000000000001');
  // Like the real SDK, unrelated non-JSON strings arrive too.
  expect(s.messages.some((m) => typeof m.data === 'string' && !(m.data as string).startsWith('{'))).toBe(true);

  const first = await exchange(code);
  expect(first.status).toBe(200);
  expect(first.body.access_token).toMatch(/^EAA/);
  const second = await exchange(code);
  expect(second.body.error?.code).toBe(100);

  const pixel = (await (await fetch(`${sandbox.url}/_sandbox/pixel-events`)).json()) as { data: { method: string; event?: string; source: string }[] };
  expect(pixel.data.map((e) => `${e.source}:${e.method}:${e.event ?? ''}`)).toEqual(
    expect.arrayContaining(['pixel:init:', 'pixel:track:PageView', 'pixel:trackCustom:WhatsAppOnboardingStart', 'sdk:logPageView:']),
  );
});

test('a code is refused after 30 seconds of sandbox time; closing on the final screen still succeeds', async ({ page: p }) => {
  const popup = await openPopup(p);
  await popup.check('input[name=choice][value="8000000000000002"]');
  await popup.click('#next');
  await popup.check('input[name=choice][value="2100000000000002"]');
  await popup.click('#next');
  await popup.check('input[name=choice][value="2200000000000002"]');
  await popup.click('#next');
  await popup.check('input[name=choice][value="2300000000000002"]');
  await popup.click('#next');
  await expect(popup.locator('body')).toHaveAttribute('data-step', 'permissions');
  await popup.click('#next');
  await expect(popup.locator('body')).toHaveAttribute('data-step', 'success');
  await clickAndClose(popup, '#close');
  await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
  const s = await seen(p);
  expect(s.callbacks[0]?.status).toBe('connected');
  expect(sessionMessages(s).map((m) => m.event)).toEqual(['FINISH']);
  await fetch(`${sandbox.url}/_sandbox/clock/advance`, {
    method: 'POST',
    body: JSON.stringify({ seconds: 31 }),
    headers: { 'content-type': 'application/json' },
  });
  const late = await exchange(s.callbacks[0]?.authResponse?.code ?? '');
  expect(late.body.error?.code).toBe(100);
});

const cancelSteps: [Steps, string | null][] = [
  ['login', null],
  ['business', 'BUSINESS_ACCOUNT_SELECTION'],
  ['waba', 'WABA_PHONE_PROFILE_PICKER'],
  ['phone', 'PHONE_NUMBER_SETUP'],
  ['verify', 'PHONE_NUMBER_VERIFICATION'],
  ['profile', 'WHATSAPP_BUSINESS_PROFILE_SETUP'],
  ['permissions', 'PERMISSIONS'],
];

for (const [step, currentStep] of cancelSteps) {
  test(`closing on the ${step} screen → ${currentStep ?? 'no session event'}, no code`, async ({ page: p }) => {
    const popup = await openPopup(p);
    await advanceTo(popup, step);
    await clickAndClose(popup, '#close');
    await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
    if (currentStep) await p.waitForFunction(() => (window as unknown as Seen).messages.some((m) => typeof m.data === 'string' && m.data.includes('CANCEL')));
    // The SDK says when it has sent every message of this login (popup and fallback frame).
    await p.waitForFunction(() => (window as unknown as { __fbSandboxSettled?: boolean }).__fbSandboxSettled === true);
    const s = await seen(p);
    expect(s.callbacks[0]).toEqual({ status: 'unknown', authResponse: null });
    const events = sessionMessages(s);
    if (currentStep === null) expect(events).toEqual([]);
    else
      expect(events.map(({ type, event, data }) => ({ type, event, data }))).toEqual([
        { type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', data: { current_step: currentStep } },
      ]);
  });
}

test('closing the window itself (not the X) also reports CANCEL', async ({ page: p }) => {
  const popup = await openPopup(p);
  await advanceTo(popup, 'waba');
  await popup.close();
  await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
  await p.waitForFunction(() => (window as unknown as Seen).messages.some((m) => typeof m.data === 'string' && m.data.includes('CANCEL')));
  await p.waitForFunction(() => (window as unknown as { __fbSandboxSettled?: boolean }).__fbSandboxSettled === true);
  const s = await seen(p);
  expect(s.callbacks[0]?.status).toBe('unknown');
  expect(sessionMessages(s).map((m) => m.data.current_step)).toEqual(['WABA_PHONE_PROFILE_PICKER']);
});

test('a display name that breaks the rules shows the error and reports the error form', async ({ page: p }) => {
  const popup = await openPopup(p);
  await advanceTo(popup, 'profile');
  await popup.fill('#display-name', 'WhatsApp BEST DEALS');
  await popup.click('#next');
  await expect(popup.getByTestId('es-error')).toContainText('524126');
  await clickAndClose(popup, '#close');
  await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
  const [cancel] = sessionMessages(await seen(p));
  expect(cancel?.event).toBe('CANCEL');
  expect(Object.keys(cancel?.data ?? {}).sort()).toEqual(['error_code', 'error_message', 'session_id', 'timestamp']);
  expect(cancel?.data.error_code).toBe('524126');
});

test('an ACTIVE solution shows both partners and onboards to both apps', async ({ page: p }) => {
  const popup = await openPopup(p, '#launch-mps-active');
  await expect(popup.getByTestId('partners')).toContainText('tp_prod_app');
  await expect(popup.getByTestId('partners')).toContainText('Onramp Sandbox App');
  await advanceTo(popup, 'success');
  await clickAndClose(popup, '#finish');
  await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
  const state = (await (await fetch(`${sandbox.url}/_sandbox/state`)).json()) as {
    wabas: { id: string; partners: { appId: string; solutionId?: string }[] }[];
    signups: { wabaId: string }[];
  };
  const waba = state.wabas.find((w) => w.id === state.signups[0]?.wabaId);
  expect(waba?.partners.map((x) => [x.appId, x.solutionId])).toEqual([
    ['1000000000000002', '7000000000000001'],
    [APP_ID, '7000000000000001'],
  ]);
});

test('a solution that is not ACTIVE shows the error and onboards nothing', async ({ page: p }) => {
  const popup = await openPopup(p, '#launch-mps');
  await expect(popup.locator('body')).toHaveAttribute('data-step', 'error');
  await expect(popup.getByTestId('es-error')).toContainText('cannot be used for onboarding');
  await clickAndClose(popup, '#close-error');
  await p.waitForFunction(() => (window as unknown as Seen).callbacks.length === 1);
  const s = await seen(p);
  expect(s.callbacks[0]?.authResponse).toBeNull();
  expect(sessionMessages(s)[0]?.data.error_message).toMatch(/cannot be used for onboarding/);
  const state = (await (await fetch(`${sandbox.url}/_sandbox/state`)).json()) as { signups: unknown[] };
  expect(state.signups).toEqual([]);
});
