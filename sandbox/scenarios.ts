import type { PartnerType } from './options';
import { emptyState, reserveId, type BizAppAccount, type PhoneNumber, type Sandbox, type Solution, type SolutionStatus, type State, type Waba } from './state';

export const scenarioNames = ['demo', 'solution-partner', 'tech-provider', 'mps', 'coexistence', 'empty'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export const scenarioDescriptions: Record<ScenarioName, string> = {
  demo: 'Solution Partner with a credit line, customers to onboard (new, existing WABA, coexistence), and a Tech Provider partner with Multi-Partner Solutions in every state.',
  'solution-partner':
    'Solution Partner with a credit line and a system user; three customers (new business, business with an unshared WABA, business whose WABA is shared with another partner).',
  'tech-provider': 'Tech Provider (no credit line, no partner-led verification); the same customers as solution-partner.',
  mps: 'Solution Partner in Multi-Partner Solutions with a Tech Provider: one ACTIVE solution (the TP has MESSAGING), one INITIATED invitation for us to accept, and DRAFT, REJECTED and DEACTIVATED ones.',
  coexistence: 'Solution Partner and a business whose number is on the WhatsApp Business app (coexistence onboarding).',
  empty: 'Only the partner (app, business, system user) and one person without a business.',
};

// Fixed ids so that docs, demos and tests can name them.
export const ids = {
  tpApp: '1000000000000002',
  tpStagingApp: '1000000000000003',
  otherBspApp: '1000000000000099',
  tpBusiness: '2000000000000002',
  otherBspBusiness: '2000000000000099',
  acmeBusiness: '2100000000000001',
  brewBusiness: '2100000000000002',
  cedarBusiness: '2100000000000003',
  bakeryBusiness: '2100000000000004',
  brewWaba: '2200000000000002',
  cedarWaba: '2200000000000003',
  brewPhone: '2300000000000002',
  cedarPhone: '2300000000000003',
  alex: '8000000000000001',
  bea: '8000000000000002',
  chris: '8000000000000003',
  dana: '8000000000000004',
  tara: '8000000000000005',
  pat: '8000000000000006',
  sam: '8000000000000009',
  solutionActive: '7000000000000001',
  solutionDraft: '7000000000000002',
  solutionInitiated: '7000000000000003',
  solutionRejected: '7000000000000004',
  solutionDeactivated: '7000000000000005',
} as const;

const DAY = 24 * 3600 * 1000;

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}

/** Builds a fresh State for a named scenario; also returns the partner type the scenario implies. */
export function buildScenario(sb: Sandbox, name: ScenarioName): { state: State; partnerType: PartnerType } {
  const o = sb.options;
  const now = sb.clock.now();
  const s = emptyState(name);
  const reserve = (id: string) => reserveId(sb, id);
  const partnerType: PartnerType = name === 'tech-provider' ? 'tech_provider' : 'solution_partner';

  const addApp = (id: string, appName: string, secret: string, businessId: string) => {
    s.apps[reserve(id)] = { id, name: appName, secret, businessId, link: `https://www.facebook.com/games/?app_id=${id}` };
  };
  const addBusiness = (id: string, bizName: string, extra: Partial<State['businesses'][string]> = {}) => {
    s.businesses[reserve(id)] = {
      id,
      name: bizName,
      verificationStatus: 'not_verified',
      adminPersonIds: [],
      bizApps: [],
      createdAt: now - 400 * DAY,
      ...extra,
    };
  };
  const addPerson = (id: string, personName: string, email: string, businessIds: string[], developerAppIds: string[] = []) => {
    s.persons[reserve(id)] = { id, name: personName, email, businessIds, developerAppIds };
    for (const b of businessIds) s.businesses[b]?.adminPersonIds.push(id);
  };
  const addWaba = (id: string, wabaName: string, ownerBusinessId: string, extra: Partial<Waba> = {}) => {
    s.wabas[reserve(id)] = {
      id,
      name: wabaName,
      ownerBusinessId,
      currency: 'USD',
      timezoneId: '1',
      namespace: `${id.slice(-8)}_ns`,
      accountReviewStatus: 'APPROVED',
      ownershipType: 'CLIENT_OWNED',
      status: 'ACTIVE',
      country: 'US',
      createdAt: now - 200 * DAY,
      messagingLimit: 'TIER_250',
      partners: [],
      subscriptions: [],
      assignedUsers: [],
      solutionIds: [],
      ...extra,
    };
  };
  const addPhone = (id: string, wabaId: string, cc: string, number: string, verifiedName: string, extra: Partial<PhoneNumber> = {}) => {
    s.phoneNumbers[reserve(id)] = {
      id,
      wabaId,
      cc,
      number,
      verifiedName,
      codeVerificationStatus: 'VERIFIED',
      status: 'PENDING',
      nameStatus: 'APPROVED',
      newNameStatus: 'NONE',
      qualityRating: 'GREEN',
      platformType: 'NOT_APPLICABLE',
      throughputLevel: 'STANDARD',
      accountMode: 'LIVE',
      isOnBizApp: false,
      isOfficialBusinessAccount: false,
      registerCalls: [],
      createdAt: now - 200 * DAY,
      ...extra,
    };
  };

  // The partner itself: app, portfolio, admin system user and its token, login configurations.
  addBusiness(o.partnerBusinessId, 'Onramp Sandbox Partner', { verificationStatus: 'verified', website: 'https://onramp.example' });
  addApp(o.appId, o.appName, o.appSecret, o.partnerBusinessId);
  s.systemUsers[reserve(o.systemUserId)] = {
    id: o.systemUserId,
    name: 'Onboarding Bot',
    role: 'ADMIN',
    businessId: o.partnerBusinessId,
    appId: o.appId,
  };
  s.tokens[o.systemToken] = {
    value: o.systemToken,
    kind: 'system',
    appId: o.appId,
    userId: o.systemUserId,
    businessId: o.partnerBusinessId,
    issuedAt: Math.floor((now - 30 * DAY) / 1000),
    expiresAt: 0,
    scopes: ['business_management', 'whatsapp_business_management', 'whatsapp_business_messaging', 'manage_app_solution'],
  };
  s.configs[reserve(o.configId)] = { id: o.configId, appId: o.appId, kind: 'embedded_signup' };
  s.configs[reserve(o.measurementConfigId)] = { id: o.measurementConfigId, appId: o.appId, kind: 'measurement_partner' };
  // The partner's own developer: the manage_app_solution login of a Tech Provider that runs this portal.
  addPerson(ids.pat, 'Pat Morgan', 'pat@onramp.example', [o.partnerBusinessId], [o.appId]);
  if (partnerType === 'solution_partner') {
    s.creditLines[reserve(o.creditLineId)] = { id: o.creditLineId, businessId: o.partnerBusinessId, legalEntityName: 'Onramp Sandbox Partner Ltd' };
  }

  const withCustomers = name === 'demo' || name === 'solution-partner' || name === 'tech-provider' || name === 'mps';
  if (withCustomers) {
    addBusiness(ids.acmeBusiness, 'Acme Ltd', { email: 'ops@acme.example', website: 'https://acme.example', country: 'US' });
    addPerson(ids.alex, 'Alex Rivera', 'alex@acme.example', [ids.acmeBusiness]);

    addBusiness(ids.brewBusiness, 'Brew & Co', { email: 'hello@brew.example', website: 'https://brew.example', country: 'GB', verificationStatus: 'verified' });
    addWaba(ids.brewWaba, 'Brew & Co Support', ids.brewBusiness, { currency: 'GBP', country: 'GB' });
    addPhone(ids.brewPhone, ids.brewWaba, '44', '7700900002', 'Brew & Co');
    addPerson(ids.bea, 'Bea Chen', 'bea@brew.example', [ids.brewBusiness]);

    // A WABA already shared with another Solution Partner: picking it in the popup fails like Meta's 2655049.
    addBusiness(ids.otherBspBusiness, 'Other BSP Ltd', { verificationStatus: 'verified' });
    addApp(ids.otherBspApp, 'Other BSP App', 'other-bsp-secret', ids.otherBspBusiness);
    addBusiness(ids.cedarBusiness, 'Cedar Clinic', { email: 'it@cedar.example', website: 'https://cedar.example', country: 'US' });
    addWaba(ids.cedarWaba, 'Cedar Clinic', ids.cedarBusiness, {
      partners: [{ appId: ids.otherBspApp, businessId: ids.otherBspBusiness, via: 'other', messaging: true, readOnly: false, addedAt: now - 100 * DAY }],
    });
    addPhone(ids.cedarPhone, ids.cedarWaba, '1', '5550100003', 'Cedar Clinic', {
      status: 'CONNECTED',
      platformType: 'CLOUD_API',
      registeredAt: now - 100 * DAY,
    });
    addPerson(ids.chris, 'Chris Okafor', 'chris@cedar.example', [ids.cedarBusiness]);
  }

  if (name === 'demo' || name === 'coexistence') {
    const bizApp: BizAppAccount = {
      cc: '1',
      number: '5550100004',
      displayName: 'Corner Bakery',
      contacts: [
        { fullName: 'Jane Doe', firstName: 'Jane', phone: '16505551234' },
        { fullName: 'Omar Haddad', firstName: 'Omar', phone: '16505559876' },
      ],
      messages: [
        { from: '16505551234', to: '15550100004', text: 'Do you have sourdough today?', at: now - 3 * DAY },
        { from: '15550100004', to: '16505551234', text: 'Yes, until 2pm!', at: now - 3 * DAY + 60_000 },
        { from: '16505559876', to: '15550100004', text: 'Can I order a cake for Saturday?', at: now - DAY },
      ],
    };
    addBusiness(ids.bakeryBusiness, 'Corner Bakery', { email: 'dana@bakery.example', website: 'https://bakery.example', country: 'US', bizApps: [bizApp] });
    addPerson(ids.dana, 'Dana Silva', 'dana@bakery.example', [ids.bakeryBusiness]);
  }

  if (name === 'demo' || name === 'mps') {
    addBusiness(ids.tpBusiness, 'Brew Tech Ltd', { verificationStatus: 'verified' });
    addApp(ids.tpApp, 'tp_prod_app', 'tp-app-secret', ids.tpBusiness);
    addApp(ids.tpStagingApp, 'tp_staging_app', 'tp-staging-secret', ids.tpBusiness);
    addPerson(ids.tara, 'Tara Patel', 'tara@brewtech.example', [ids.tpBusiness], [ids.tpApp, ids.tpStagingApp]);
    const solution = (
      id: string,
      solutionName: string,
      status: SolutionStatus,
      ownerAppId: string,
      partnerAppId: string,
      ownerMessaging: boolean,
    ): Solution => ({
      id: reserve(id),
      name: solutionName,
      ownerAppId,
      partnerAppId,
      ownerMessaging,
      partnerMessaging: !ownerMessaging,
      status,
      pendingRequest: status === 'INITIATED' ? 'PENDING_ACTIVATION' : 'NONE',
      partnerStatus: status === 'ACTIVE' || status === 'DEACTIVATED' ? 'ACCEPTED' : status === 'REJECTED' ? 'REJECTED' : 'NOTIFICATION_SENT',
      partnerRecordId: reserve(`71${id.slice(2)}`),
      createdAt: now - 50 * DAY,
      onboardings: [],
    });
    const list = [
      solution(ids.solutionActive, 'Brew Tech x Onramp', 'ACTIVE', ids.tpApp, o.appId, true),
      solution(ids.solutionDraft, 'Brew Tech x Onramp (draft)', 'DRAFT', ids.tpApp, o.appId, true),
      solution(ids.solutionInitiated, 'Onramp x Brew Tech Staging', 'INITIATED', ids.tpStagingApp, o.appId, true),
      solution(ids.solutionRejected, 'Onramp x Brew Tech (declined)', 'REJECTED', o.appId, ids.tpApp, true),
      solution(ids.solutionDeactivated, 'Brew Tech Legacy', 'DEACTIVATED', ids.tpApp, o.appId, true),
    ];
    for (const sol of list) s.solutions[sol.id] = sol;
  }

  if (name === 'empty' || name === 'demo') {
    addPerson(ids.sam, 'Sam Newcomer', 'sam@example.com', []);
  }

  return { state: s, partnerType };
}
