import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetaSandbox, sandboxApp, type MetaSandbox } from '@/test/meta-sandbox';
import { listSubscribedApps, overrideCallback, subscribeApp, unsubscribeApp } from '@/lib/meta/subscriptions';

// Against the sandbox: the app's subscription to a customer WABA (docs/meta/webhook-subscriptions.md).

let meta: MetaSandbox;
let receiver: Server;
let callbackUri: string;
const verifyToken = 'tenant-42-verify-token';

beforeAll(async () => {
  meta = await startMetaSandbox();
  // Meta verifies every override URL with the hub.challenge handshake before accepting it.
  receiver = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const ok = url.searchParams.get('hub.verify_token') === verifyToken;
    res.writeHead(ok ? 200 : 403);
    res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : '');
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  callbackUri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/wa/tenant-42`;
});

afterAll(async () => {
  await meta.close();
  await new Promise((r) => receiver.close(r));
});

describe('subscriptions', () => {
  it('subscribes, then overrides the callback, in that order', async () => {
    const { wabaId, token } = await meta.onboard();
    expect(await listSubscribedApps(wabaId, token)).toEqual([]);
    await subscribeApp(wabaId, token, { step: 'subscribe' }, { callbackUri, verifyToken });
    expect(await listSubscribedApps(wabaId, token)).toEqual([expect.objectContaining({ appId: sandboxApp.appId, overrideCallbackUri: callbackUri })]);
  });

  it('refuses an override before the plain subscribe with a permanent code 100', async () => {
    const { wabaId, token } = await meta.onboard();
    const error = await overrideCallback(wabaId, { callbackUri, verifyToken }, token).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 100, kind: 'permanent' });
    expect(JSON.stringify(error)).not.toContain(verifyToken);
  });

  it('a plain subscribe is idempotent and clears an override; unsubscribe removes the app', async () => {
    const { wabaId, token } = await meta.onboard();
    await subscribeApp(wabaId, token, {}, { callbackUri, verifyToken });
    await subscribeApp(wabaId, token);
    const [app] = await listSubscribedApps(wabaId, token);
    expect(app?.appId).toBe(sandboxApp.appId);
    expect(app?.overrideCallbackUri).toBeUndefined();
    await unsubscribeApp(wabaId, token);
    expect(await listSubscribedApps(wabaId, token)).toEqual([]);
  });
});
