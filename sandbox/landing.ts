import { escapeHtml as h } from './http';
import { displayPhoneNumber, type Sandbox } from './state';

/** GET /: a small read-only page showing the sandbox's state, for people who demo it. */
export function landingPage(sb: Sandbox, origin: string): string {
  const s = sb.state;
  const rows = (cells: string[][]) => cells.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  const businesses = Object.values(s.businesses).map((b) => [h(b.id), h(b.name), h(b.verificationStatus), String(b.bizApps.length)]);
  const wabas = Object.values(s.wabas).map((w) => [
    h(w.id),
    h(w.name),
    h(s.businesses[w.ownerBusinessId]?.name ?? w.ownerBusinessId),
    h(w.accountReviewStatus),
    w.partners.map((p) => h(s.apps[p.appId]?.name ?? p.appId)).join(', ') || '—',
    w.subscriptions.length ? 'yes' : 'no',
    w.primaryFundingId ? 'attached' : '—',
  ]);
  const phones = Object.values(s.phoneNumbers).map((p) => [
    h(p.id),
    h(displayPhoneNumber(p.cc, p.number)),
    h(p.verifiedName),
    h(p.status),
    h(p.nameStatus),
    h(p.platformType),
    p.isOnBizApp ? 'yes' : 'no',
  ]);
  const deliveries = s.deliveries
    .slice(-25)
    .reverse()
    .map((d) => [
      h(d.id),
      h(d.kind),
      h(d.fields.join(', ')),
      String(d.changeCount),
      h(d.state + (d.reason ? `: ${d.reason}` : '')),
      d.attempts.map((a) => (a.status === null ? h(a.error ?? 'error') : String(a.status))).join(' → ') || '—',
    ]);
  const solutions = Object.values(s.solutions).map((x) => [
    h(x.id),
    h(x.name),
    h(x.status),
    h(x.pendingRequest),
    h(s.apps[x.ownerAppId]?.name ?? x.ownerAppId),
    h(s.apps[x.partnerAppId]?.name ?? x.partnerAppId),
  ]);
  const table = (title: string, head: string[], body: string[][]) =>
    `<h2>${title} <small>(${body.length})</small></h2>${body.length ? `<table><thead><tr>${head.map((x) => `<th>${x}</th>`).join('')}</tr></thead><tbody>${rows(body)}</tbody></table>` : '<p class="empty">None yet.</p>'}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Onramp sandbox</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1c1e21}table{border-collapse:collapse;width:100%;margin-bottom:8px}td,th{border-bottom:1px solid #e4e6eb;padding:6px 8px;text-align:left;font-size:13px}th{background:#f5f6f7}code{background:#f0f2f5;padding:1px 4px;border-radius:4px}.empty{color:#65676b}small{color:#65676b;font-weight:normal}</style></head>
<body><h1>Onramp sandbox <small>a local stand-in for Meta's WhatsApp Business Platform</small></h1>
<p>Scenario <code>${h(s.scenario)}</code> · partner type <code>${h(sb.config.partnerType)}</code> · app <code>${h(sb.options.appId)}</code> · Graph <code>${h(origin)}/v25.0</code> · SDK <code>${h(origin)}/sdk.js</code> · webhook callback <code>${h(sb.config.webhookUrl ?? 'not set')}</code> (${h(sb.config.webhookVerified)}) · sandbox clock ${h(new Date(sb.clock.now()).toISOString())}</p>
<p>Control API: <a href="/_sandbox">/_sandbox</a> · <a href="/_sandbox/state">state</a> · <a href="/_sandbox/webhooks/deliveries">deliveries</a> · <a href="/_sandbox/pixel-events">pixel events</a></p>
${table('Business portfolios', ['id', 'name', 'verification', 'WhatsApp Business app numbers'], businesses)}
${table('WhatsApp Business Accounts', ['id', 'name', 'owner', 'review', 'partners', 'subscribed', 'credit line'], wabas)}
${table('Phone numbers', ['id', 'number', 'display name', 'status', 'name status', 'platform', 'coexistence'], phones)}
${table('Multi-Partner Solutions', ['id', 'name', 'status', 'pending request', 'owner app', 'partner app'], solutions)}
${table('Webhook deliveries (latest 25)', ['id', 'kind', 'fields', 'changes', 'state', 'attempts'], deliveries)}
</body></html>`;
}
