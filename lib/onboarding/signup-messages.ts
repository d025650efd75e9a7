import { z } from 'zod';

// The Embedded Signup session-info messages (docs/meta/embedded-signup.md). Shared by the browser (which listens
// for them) and the server (which receives what the browser forwards and treats it as a claim).

export const finishEvents = [
  'FINISH',
  'FINISH_ONLY_WABA',
  'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING',
  'FINISH_OBO_MIGRATION',
  'FINISH_GRANT_ONLY_API_ACCESS',
] as const;

const metaId = z.string().regex(/^\d{1,30}$/);

export const finishInfoSchema = z.object({
  event: z.enum(finishEvents),
  wabaId: metaId.optional(),
  phoneNumberId: metaId.optional(),
  businessId: metaId.optional(),
});

export type FinishInfo = z.infer<typeof finishInfoSchema>;

export type SignupMessage =
  | ({ kind: 'finish' } & FinishInfo)
  | { kind: 'cancel'; currentStep: string | null }
  | { kind: 'error'; errorMessage: string; errorCode: string | null; sessionId: string | null; timestamp: string | null };

/**
 * Whether a message may come from Embedded Signup: facebook.com or one of its subdomains over HTTPS,
 * by exact host (so `evilfacebook.com` and `facebook.com.evil.io` fail), or one of `extraOrigins`
 * exactly (the sandbox's origin in sandbox mode).
 */
export function isTrustedOrigin(origin: string, extraOrigins: readonly string[] = []): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (extraOrigins.some((extra) => safeOrigin(extra) === url.origin && url.origin === origin)) return true;
  if (url.protocol !== 'https:' || url.port !== '' || url.origin !== origin) return false;
  return url.hostname === 'facebook.com' || url.hostname.endsWith('.facebook.com');
}

function safeOrigin(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

const idText = z.union([z.string(), z.number()]).transform(String);

const envelopeSchema = z.looseObject({
  type: z.literal('WA_EMBEDDED_SIGNUP'),
  event: z.string(),
  data: z.looseObject({}).optional(),
});

const errorDataSchema = z.looseObject({
  error_message: z.string(),
  error_code: idText.optional(),
  session_id: idText.optional(),
  timestamp: idText.optional(),
});

const finishDataSchema = z.looseObject({
  waba_id: z.string().optional(),
  phone_number_id: z.string().optional(),
  business_id: z.string().optional(),
});

/**
 * Reads one `message` event's data; anything that is not an Embedded Signup message (the SDK also
 * posts non-JSON strings and unrelated objects) gives null. Ids stay strings, never numbers.
 */
export function parseSignupMessage(raw: unknown): SignupMessage | null {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) return null;
  const { event, data = {} } = envelope.data;

  const error = errorDataSchema.safeParse(data);
  if (error.success && (event === 'CANCEL' || event === 'ERROR')) {
    return {
      kind: 'error',
      errorMessage: error.data.error_message,
      errorCode: error.data.error_code ?? null,
      sessionId: error.data.session_id ?? null,
      timestamp: error.data.timestamp ?? null,
    };
  }
  if (event === 'CANCEL') {
    const step = (data as { current_step?: unknown }).current_step;
    return { kind: 'cancel', currentStep: typeof step === 'string' ? step : null };
  }
  if (event === 'ERROR') {
    return { kind: 'error', errorMessage: 'Embedded Signup reported an error.', errorCode: null, sessionId: null, timestamp: null };
  }
  const finish = finishInfoSchema.safeParse({ event, ...pickFinish(finishDataSchema.safeParse(data).data) });
  return finish.success ? { kind: 'finish', ...finish.data } : null;
}

function pickFinish(data: z.infer<typeof finishDataSchema> | undefined): Partial<FinishInfo> {
  return { wabaId: data?.waba_id, phoneNumberId: data?.phone_number_id, businessId: data?.business_id };
}

/** What the customer should do after closing the popup at a step (current_step, docs/meta/embedded-signup.md). */
export function cancelAdvice(step: string | null): string {
  switch (step) {
    case 'BUSINESS_ACCOUNT_SELECTION':
      return 'You closed the window while choosing your business portfolio. Start again and pick or create the business you want to use.';
    case 'WABA_PHONE_PROFILE_PICKER':
      return 'You closed the window while choosing a WhatsApp Business Account. Start again when you know which account to use; you can also create a new one.';
    case 'PHONE_NUMBER_SETUP':
      return 'You closed the window while adding a phone number. Have a number ready that is not used with WhatsApp (or choose an existing one) and start again.';
    case 'PHONE_NUMBER_VERIFICATION':
      return 'You closed the window before verifying your phone number. Keep the phone nearby to receive the code, then start again.';
    case 'WHATSAPP_BUSINESS_PROFILE_SETUP':
      return 'You closed the window while setting up your business profile. Start again and choose a display name that matches your business.';
    case 'PERMISSIONS':
      return 'You closed the window on the permissions screen. We need these permissions to connect your account; start again and confirm them.';
    case null:
      return 'The signup window closed before you connected a business. Start again whenever you are ready.';
    default:
      return 'The signup window closed before it finished. Start again to continue where you left off.';
  }
}
