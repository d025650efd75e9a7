import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { auditLog, operationRuns, phoneNumbers, testMessages, vaultSecrets, type StaffUser } from '@/lib/db/schema';
import { stopOperationWork } from '@/lib/operations/dispatch';
import { overrideRunnerSettings } from '@/lib/operations/settings';
import { createStaffUser } from '@/lib/staff';
import { startMetaSandbox, type MetaSandbox } from '@/test/meta-sandbox';
import { createOnboarding, type Onboarding } from '@/test/onboarding-fixtures';
import { signedIn } from './signed-in';

// The number pages' actions as the browser calls them (the session cookie replaced by `signedIn`):
// viewers are refused with 403 and nothing changes; bad input is explained; the code never lands
// in the audit trail.

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const actions = await import('@/app/(staff)/wabas/[id]/numbers/actions');

let meta: MetaSandbox;
let restoreSettings: () => void;
let viewer: StaffUser;
let operator: StaffUser;
let customer: Onboarding;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  meta = await startMetaSandbox();
  restoreSettings = overrideRunnerSettings({ baseDelayMs: 20, maxDelayMs: 200, rateLimitDelayMs: 50, runInProcess: true });
  [viewer, operator] = await Promise.all([
    createStaffUser({ email: 'number-viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'number-operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
  ]);
  customer = await createOnboarding(meta, 'default', 'solution_partner');
});

afterAll(async () => {
  await stopOperationWork();
  restoreSettings();
  await meta.close();
});

beforeEach(() => {
  signedIn.id = undefined;
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });

describe('viewers', () => {
  it('get 403 from every number action, and nothing changes at Meta or in our rows', async () => {
    const ref = { wabaId: customer.metaWabaId, phoneNumberId: customer.metaPhoneNumberId! };
    const sandboxPhone = () => meta.sandbox.state.phoneNumbers[ref.phoneNumberId]!;
    const before = {
      phone: structuredClone(sandboxPhone()),
      numbers: Object.keys(meta.sandbox.state.phoneNumbers).length,
      runs: (await db().select().from(operationRuns)).length,
    };
    const [rowBefore] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, ref.phoneNumberId));
    signedIn.id = viewer.id;
    const posts: Array<[keyof typeof actions, Record<string, string>]> = [
      ['addNumberAction', { wabaId: ref.wabaId, cc: '1', phoneNumber: '5550149999', verifiedName: 'Viewer Line', codeMethod: 'SMS', language: 'en_US' }],
      ['enterCodeAction', { ...ref, code: '123456' }],
      ['sendCodeAction', { ...ref, codeMethod: 'SMS', language: 'en_US' }],
      ['registerAction', ref],
      ['deregisterAction', { ...ref, confirm: 'yes' }],
      ['changePinAction', ref],
      ['displayNameAction', { ...ref, newDisplayName: 'Viewer Name' }],
      ['testMessageAction', { ...ref, to: '+16505551234', kind: 'text', body: 'hi' }],
      ['refreshNumberAction', ref],
    ];
    for (const [name, fields] of posts) {
      await expect(actions[name]({}, form(fields)), name).rejects.toEqual(forbidden);
    }
    expect(Object.keys(meta.sandbox.state.phoneNumbers)).toHaveLength(before.numbers);
    expect(sandboxPhone()).toEqual(before.phone);
    expect(await db().select().from(operationRuns)).toHaveLength(before.runs);
    const [rowAfter] = await db().select().from(phoneNumbers).where(eq(phoneNumbers.metaPhoneNumberId, ref.phoneNumberId));
    expect(rowAfter).toEqual(rowBefore);
    expect(await db().select().from(testMessages)).toHaveLength(0);
  });
});

describe('operators', () => {
  it('bad input is explained field by field and nothing is sent to Meta', async () => {
    signedIn.id = operator.id;
    const numbers = Object.keys(meta.sandbox.state.phoneNumbers).length;
    const added = await actions.addNumberAction(
      {},
      form({
        wabaId: customer.metaWabaId,
        cc: '1',
        phoneNumber: '12',
        verifiedName: 'A',
        codeMethod: 'FAX',
        language: 'english',
        dataLocalizationRegion: 'XX',
      }),
    );
    expect(added.fieldErrors).toMatchObject({
      verifiedName: ['The display name needs at least 3 characters.'],
      codeMethod: ['Choose SMS or a voice call.'],
      language: ['Use a language code like en_US.'],
      dataLocalizationRegion: ['Use a two-letter country code, like DE for Germany.'],
    });
    const impossible = await actions.addNumberAction(
      {},
      form({ wabaId: customer.metaWabaId, cc: '1', phoneNumber: '12', verifiedName: 'Acme Line', codeMethod: 'SMS', language: 'en_US' }),
    );
    expect(impossible.fieldErrors?.phoneNumber).toEqual(['This is not a possible number for that country code. Give the number without the country code.']);
    expect(Object.keys(meta.sandbox.state.phoneNumbers)).toHaveLength(numbers);

    const ref = { wabaId: customer.metaWabaId, phoneNumberId: customer.metaPhoneNumberId! };
    const message = await actions.testMessageAction({}, form({ ...ref, to: '+1 555', kind: 'text', body: 'hi' }));
    expect(message.fieldErrors?.to).toEqual(['This is not a possible phone number: give the country code and the full number, e.g. +16505551234.']);
    const letters = await actions.testMessageAction({}, form({ ...ref, to: 'call me', kind: 'text' }));
    expect(letters.fieldErrors?.to).toEqual(['Use digits only, in international format, e.g. +16505551234.']);
    const deregister = await actions.deregisterAction({}, form(ref));
    expect(deregister.fieldErrors?.confirm).toEqual(['Tick the box to confirm that messaging on this number stops.']);
    expect(meta.sandbox.state.messages).toHaveLength(0);
  });

  it('a number of another WhatsApp account is refused', async () => {
    signedIn.id = operator.id;
    const other = await createOnboarding(meta, 'default', 'solution_partner');
    const state = await actions.changePinAction({}, form({ wabaId: customer.metaWabaId, phoneNumberId: other.metaPhoneNumberId! }));
    expect(state.error).toBe('This phone number is not on record for this WhatsApp account.');
  });

  it('a wrong code is refused with Meta’s code and fbtrace_id, and the code is neither echoed, audited nor kept', async () => {
    signedIn.id = operator.id;
    const added = await actions
      .addNumberAction(
        {},
        form({ wabaId: customer.metaWabaId, cc: '1', phoneNumber: '5550147777', verifiedName: 'Acme Line', codeMethod: 'SMS', language: 'en_US' }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as { digest?: string },
      );
    expect(added?.digest).toMatch(/NEXT_REDIRECT;replace;\/wabas\/\d+\/numbers\/new\?run=[0-9a-f-]{36}/);
    const phoneNumberId = await (async () => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const found = Object.values(meta.sandbox.state.phoneNumbers).find((p) => p.number === '5550147777');
        if (found && meta.sandbox.state.sms.some((s) => s.phoneNumberId === found.id)) return found.id;
        if (Date.now() > deadline) throw new Error('the number was not added');
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const state = await actions.enterCodeAction({}, form({ wabaId: customer.metaWabaId, phoneNumberId, code: '000-000' }));
    expect(state.error).toMatch(/Meta did not accept the code.*\(Meta's code 136025, fbtrace_id \S+\)/);
    expect(JSON.stringify(state)).not.toContain('000000');
    expect(state.values?.code).toBeUndefined();
    const audits = await db().select().from(auditLog).where(eq(auditLog.action, 'phone_number.verify'));
    expect(audits).toHaveLength(1);
    expect(JSON.stringify(audits)).not.toMatch(/000-?000/);
    expect(await db().select().from(vaultSecrets).where(eq(vaultSecrets.kind, 'verification_code'))).toHaveLength(0);
    const add = await db().select().from(auditLog).where(eq(auditLog.action, 'phone_number.add'));
    expect(add[0]).toMatchObject({ actorId: operator.id, target: customer.metaWabaId, details: expect.objectContaining({ ok: true, number: '+15550147777' }) });
  });
});
