import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleWebhookRequest, webhookPath } from '@/lib/webhooks/receiver';
import { signPayload } from '@/lib/webhooks/signature';

export const appSecret = 'sandbox-app-secret';

/** The receiver on its own port, as the custom server mounts it. */
export async function startReceiver(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => handleWebhookRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${webhookPath}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function post(url: string, body: string | Buffer, secret: string | null = appSecret, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
  if (secret !== null) headers['x-hub-signature-256'] = signPayload(body, secret);
  return fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
}

let sequence = 0;

/** A `messages` status change with a unique message id, as Meta batches them (docs/meta/webhooks.md#messages-statuses). */
export function statusChange(status = 'delivered', id = `wamid.TEST${++sequence}`) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '109876543210001' },
      statuses: [{ id, status, timestamp: '1767225660', recipient_id: '16505551234' }],
    },
  };
}

export function envelope(changes: object[], wabaId = '209876543210002') {
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: wabaId, time: 1767225600, changes }] });
}
