import type { BusinessProfile, PhoneNumber, Sandbox } from '../state';
import { authenticate, loadPhone } from './auth';
import type { GraphContext } from './context';
import { listParam, stringParam } from './context';
import { invalidParameter, missingParameter } from './errors';
import { selectItemFields } from './fields';

// /{phone-number-id}/whatsapp_business_profile (Meta: Business Profiles): GET answers a one-item
// list, POST updates what it is given.

export const verticals = [
  'UNDEFINED',
  'OTHER',
  'ALCOHOL',
  'APPAREL',
  'AUTO',
  'BEAUTY',
  'EDU',
  'ENTERTAIN',
  'EVENT_PLAN',
  'FINANCE',
  'GOVT',
  'GROCERY',
  'HEALTH',
  'HOTEL',
  'NONPROFIT',
  'ONLINE_GAMBLING',
  'OTC_DRUGS',
  'PHYSICAL_GAMBLING',
  'PROF_SERVICES',
  'RESTAURANT',
  'RETAIL',
  'TRAVEL',
];

function profileOf(sb: Sandbox, phone: PhoneNumber): BusinessProfile {
  let profile = sb.state.businessProfiles[phone.id];
  if (!profile) {
    profile = { about: '', address: '', description: '', email: '', vertical: 'UNDEFINED', websites: [] };
    sb.state.businessProfiles[phone.id] = profile;
  }
  return profile;
}

export function readBusinessProfile(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'read');
  const p = profileOf(ctx.sb, phone);
  const getters = {
    about: () => p.about || undefined,
    address: () => p.address || undefined,
    description: () => p.description || undefined,
    email: () => p.email || undefined,
    messaging_product: () => 'whatsapp',
    profile_picture_url: () => p.profilePictureUrl,
    vertical: () => p.vertical,
    websites: () => (p.websites.length > 0 ? p.websites : undefined),
  };
  const item = selectItemFields(ctx, 'WhatsAppBusinessProfile', getters, [
    'about',
    'address',
    'description',
    'email',
    'profile_picture_url',
    'websites',
    'vertical',
    'messaging_product',
  ]);
  // The profile has no id of its own in Meta's answers, and always says which product it is for.
  delete item.id;
  return { data: [{ ...item, messaging_product: 'whatsapp' }] };
}

const limits: Record<string, number> = { about: 139, address: 256, description: 512, email: 128 };

export function updateBusinessProfile(ctx: GraphContext, id: string) {
  const token = authenticate(ctx);
  const { phone } = loadPhone(ctx, token, id, 'manage');
  const product = stringParam(ctx, 'messaging_product');
  if (!product) throw missingParameter('messaging_product');
  if (product !== 'whatsapp') throw invalidParameter('messaging_product must be "whatsapp"');
  const p = profileOf(ctx.sb, phone);
  const next = { ...p };
  for (const key of ['about', 'address', 'description', 'email'] as const) {
    const value = stringParam(ctx, key);
    if (value === undefined) continue;
    if (value.length > (limits[key] ?? 0)) throw invalidParameter(`${key} must be at most ${limits[key]} characters`, '(#100) Invalid parameter');
    if (key === 'about' && value.length === 0) throw invalidParameter('about must not be empty', '(#100) Invalid parameter');
    if (key === 'email' && value !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value))
      throw invalidParameter('email is not a valid email address', '(#100) Invalid parameter');
    next[key] = value;
  }
  const vertical = stringParam(ctx, 'vertical');
  if (vertical !== undefined) {
    if (!verticals.includes(vertical)) throw invalidParameter(`vertical must be one of ${verticals.join(', ')}`, '(#100) Invalid parameter');
    next.vertical = vertical;
  }
  const websites = listParam(ctx, 'websites');
  if (websites !== undefined) {
    if (websites.length > 2) throw invalidParameter('At most 2 websites', '(#100) Invalid parameter');
    if (websites.some((w) => w.length > 256 || !/^https?:\/\//.test(w)))
      throw invalidParameter('websites must start with http:// or https:// and be at most 256 characters', '(#100) Invalid parameter');
    next.websites = websites;
  }
  const handle = stringParam(ctx, 'profile_picture_handle');
  if (handle !== undefined) next.profilePictureUrl = `${ctx.origin}/_sandbox/profile-pictures/${encodeURIComponent(handle)}`;
  ctx.sb.state.businessProfiles[phone.id] = next;
  return { success: true };
}
