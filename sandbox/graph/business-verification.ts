import { scheduleAutoDecisions } from '../decisions';
import { graphTime, newId, type Business, type PlbvSubmission, type Token } from '../state';
import { authenticate, requireKind } from './auth';
import type { GraphContext } from './context';
import { stringParam } from './context';
import { graphError, invalidParameter, missingParameter, objectNotFound, permissionError } from './errors';
import { page, selectFields } from './fields';

// Partner-led business verification (Meta: Partner-led business verification) and the Business node.

const allowedTypes = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png'];
const MAX_FILE = 5 * 1024 * 1024;

function partnerBusiness(ctx: GraphContext, token: Token, id: string): string {
  if (!ctx.sb.state.businesses[id]) throw objectNotFound(id, ctx.method === 'GET' ? 'get' : 'post');
  requireKind(token, ['system'], 'Partner-led business verification');
  const system = ctx.sb.state.systemUsers[token.userId];
  if (!system || system.businessId !== id) throw objectNotFound(id, ctx.method === 'GET' ? 'get' : 'post');
  if (system.role !== 'ADMIN') throw permissionError('The system user must be an admin of your business portfolio.');
  return id;
}

/** POST /{partner-business-id}/self_certify_whatsapp_business (multipart). */
export function submitVerification(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const partnerId = partnerBusiness(ctx, token, id);
  if (sb.config.partnerType !== 'solution_partner') {
    throw graphError({ message: '(#3) Application does not have the capability to make this API call.', type: 'OAuthException', code: 3 }, 403);
  }
  const clientId = stringParam(ctx, 'end_business_id');
  if (!clientId) throw missingParameter('end_business_id');
  const client = sb.state.businesses[clientId];
  const isClient = Object.values(sb.state.wabas).some((w) => w.ownerBusinessId === clientId && w.partners.some((p) => p.businessId === partnerId));
  if (!client || !isClient) throw invalidParameter('end_business_id must be the portfolio of a customer onboarded by you.');
  const documents = ctx.files.filter((f) => f.field === 'business_documents');
  if (documents.length === 0) throw missingParameter('business_documents');
  if (documents.length > 3) throw invalidParameter('At most 3 business_documents can be submitted.');
  for (const doc of documents) {
    const type = doc.type.toLowerCase();
    const byName = /\.(pdf|jpe?g|png)$/i.test(doc.name);
    if (!allowedTypes.includes(type) && !byName) throw invalidParameter(`${doc.name}: documents must be PDF, JPEG, JPG or PNG.`);
    if (doc.size > MAX_FILE) throw invalidParameter(`${doc.name}: documents must be at most 5 MB.`);
  }
  const previous = Object.values(sb.state.submissions).filter((s) => s.partnerBusinessId === partnerId && s.clientBusinessId === clientId);
  if (client.verificationStatus === 'verified') throw invalidParameter('This business is already verified.');
  if (previous.length >= 3) {
    // Seed: three submissions per customer; after that the customer verifies on their own.
    throw invalidParameter('You have reached the limit of 3 verification submissions for this business. The business must complete verification on its own.');
  }
  if (previous.some((s) => s.status === 'PENDING')) throw invalidParameter('A submission for this business is still being reviewed.');
  const info: Record<string, string> = {};
  for (const key of [
    'end_business_legal_name',
    'end_business_address',
    'end_business_trade_names',
    'end_business_website',
    'business_vertical',
    'average_monthly_revenue_spend_with_partner',
    'num_billing_cycles_with_partner',
  ]) {
    const value = stringParam(ctx, key);
    if (value !== undefined) info[key.replace(/^end_/, '')] = value;
  }
  const now = sb.clock.now();
  const submission: PlbvSubmission = {
    id: newId(sb),
    partnerBusinessId: partnerId,
    clientBusinessId: clientId,
    status: 'PENDING',
    rejectionReasons: [],
    submittedInfo: info,
    documents: documents.map((d) => ({ name: d.name, type: d.type, size: d.size })),
    submittedAt: now,
    updatedAt: now,
  };
  sb.state.submissions[submission.id] = submission;
  client.verificationStatus = 'pending';
  scheduleAutoDecisions(sb, { submissionId: submission.id });
  return { success: true, message: 'Your request has been received and will be reviewed shortly.', verification_attempts: previous.length + 1 };
}

/** GET /{partner-business-id}/self_certified_whatsapp_business_submissions?end_business_id= */
export function listSubmissions(ctx: GraphContext, id: string) {
  const { sb } = ctx;
  const token = authenticate(ctx);
  const partnerId = partnerBusiness(ctx, token, id);
  const filter = stringParam(ctx, 'end_business_id');
  const list = Object.values(sb.state.submissions)
    .filter((s) => s.partnerBusinessId === partnerId && (!filter || s.clientBusinessId === filter))
    .sort((a, b) => b.submittedAt - a.submittedAt);
  return page(
    ctx,
    list.map((s) =>
      selectFields(
        ctx,
        'WhatsAppBusinessPartnerClientVerificationSubmission',
        {
          id: () => s.id,
          verification_status: () => s.status,
          submitted_time: () => graphTime(s.submittedAt),
          update_time: () => graphTime(s.updatedAt),
          client_business_id: () => s.clientBusinessId,
          submitted_info: () => s.submittedInfo,
          rejection_reasons: () => (s.status === 'FAILED' ? s.rejectionReasons : undefined),
        },
        ['verification_status', 'submitted_time', 'update_time', 'client_business_id', 'submitted_info', 'rejection_reasons', 'id'],
      ),
    ),
  );
}

/** GET /{business-id}: the customer's own business token, or the partner's system token on its own portfolio. */
export function readBusiness(ctx: GraphContext, token: Token, business: Business) {
  const { sb } = ctx;
  const own = token.kind === 'business' && token.businessId === business.id;
  const partnerSelf = token.kind === 'system' && sb.state.systemUsers[token.userId]?.businessId === business.id;
  if (!own && !partnerSelf) throw objectNotFound(business.id, 'get');
  return selectFields(
    ctx,
    'Business',
    {
      id: () => business.id,
      name: () => business.name,
      verification_status: () => business.verificationStatus,
      created_time: () => graphTime(business.createdAt),
      timezone_id: () => 1,
      primary_page: () => undefined,
      link: () => `https://business.facebook.com/settings/info?business_id=${business.id}`,
    },
    ['id', 'name'],
  );
}
