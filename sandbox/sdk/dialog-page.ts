// The Embedded Signup popup: one page, screens drawn from the server's session view.
// Messages to the opener: the WA_EMBEDDED_SIGNUP session info as JSON strings (Meta: Embedded Signup implementation),
// and non-JSON "xd" strings that carry the login result to the SDK stand-in.

export function dialogPage(boot: Record<string, unknown>): string {
  const bootJson = JSON.stringify(boot).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in With Facebook (Onramp sandbox)</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f0f2f5; color: #1c1e21; }
  header { display: flex; align-items: center; justify-content: space-between; background: #fff; border-bottom: 1px solid #dadde1; padding: 10px 16px; }
  header .brand { font-weight: 600; color: #1877f2; }
  header .sandbox { font-size: 12px; color: #65676b; margin-left: 8px; }
  #close { border: 0; background: transparent; font-size: 22px; cursor: pointer; color: #65676b; }
  main { max-width: 520px; margin: 16px auto; background: #fff; border-radius: 8px; padding: 20px; box-shadow: 0 1px 2px rgba(0,0,0,.1); }
  h1 { font-size: 20px; margin: 0 0 6px; }
  p.sub { color: #65676b; margin: 0 0 16px; }
  .partners { background: #e7f3ff; border-radius: 6px; padding: 8px 12px; margin-bottom: 14px; font-size: 13px; }
  label.choice { display: flex; gap: 10px; align-items: center; border: 1px solid #dadde1; border-radius: 6px; padding: 10px 12px; margin-bottom: 8px; cursor: pointer; }
  fieldset { border: 1px solid #dadde1; border-radius: 6px; margin: 8px 0; padding: 10px 12px; }
  fieldset label { display: block; font-size: 13px; color: #444; margin-top: 6px; }
  input[type=text], input[type=email], select, textarea { width: 100%; padding: 8px; border: 1px solid #ccd0d5; border-radius: 6px; font: inherit; }
  .actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
  button.primary { background: #1877f2; color: #fff; border: 0; border-radius: 6px; padding: 9px 18px; font-weight: 600; cursor: pointer; }
  button.secondary { background: #e4e6eb; border: 0; border-radius: 6px; padding: 9px 18px; cursor: pointer; }
  .error { background: #ffebe9; border: 1px solid #f5c2c0; color: #a4161a; border-radius: 6px; padding: 10px 12px; margin-bottom: 12px; }
  .notice { background: #fff8e1; border: 1px solid #f0d98c; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; }
  .sms { font-family: ui-monospace, monospace; background: #dcf8c6; border-radius: 8px; padding: 10px 12px; margin: 10px 0; display: inline-block; }
  ul.perms { padding-left: 20px; }
  .steps { font-size: 12px; color: #65676b; margin-bottom: 8px; }
</style>
</head>
<body>
<header><div><span class="brand">facebook</span><span class="sandbox">Onramp sandbox: not Meta</span></div><button id="close" aria-label="Close" title="Close">&times;</button></header>
<main id="app" aria-live="polite"></main>
<script type="application/json" id="boot">${bootJson}</script>
<script>
(function () {
  'use strict';
  var boot = JSON.parse(document.getElementById('boot').textContent);
  var view = boot.view;
  var terminal = false;
  var busy = false;
  var app = document.getElementById('app');
  function post(message) { if (window.opener) { try { window.opener.postMessage(message, boot.origin); } catch (e) {} } }
  function xd(type, payload) {
    var q = new URLSearchParams({ cbt: boot.cbt, type: type, relation: 'opener', frame: view.sessionId });
    if (payload !== undefined) q.set('payload', JSON.stringify(payload));
    post(q.toString());
  }
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function sendCancel() {
    if (terminal) return;
    terminal = true;
    if (view.cancelMessage) post(JSON.stringify(view.cancelMessage));
    xd('close');
  }
  // Like the real SDK, the popup also talks to the opener in non-JSON strings.
  xd('ready');
  post('_sandbox_xd_channel_open');
  window.addEventListener('pagehide', sendCancel);
  document.getElementById('close').addEventListener('click', function () { sendCancel(); window.close(); });

  function act(action, body) {
    if (busy) return;
    busy = true;
    fetch('/dialog/es/' + encodeURIComponent(view.sessionId) + '/' + action, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {})
    }).then(function (r) { return r.json(); }).then(function (json) {
      busy = false;
      if (json.view) view = json.view;
      view.inputError = json.inputError || null;
      render();
    }).catch(function (e) { busy = false; view.inputError = String(e); render(); });
  }
  function val(id) { var el = document.getElementById(id); return el ? el.value.trim() : ''; }
  function chosen() { var el = document.querySelector('input[name=choice]:checked'); return el ? el.value : null; }
  function radio(value, label, checked) {
    return '<label class="choice"><input type="radio" name="choice" value="' + esc(value) + '"' + (checked ? ' checked' : '') + '> ' + label + '</label>';
  }
  function partners() {
    if (!view.partners || view.partners.length < 2) return '';
    return '<div class="partners" data-testid="partners">You are sharing your WhatsApp assets with both partners of this solution: ' +
      view.partners.map(function (p) { return '<strong>' + esc(p.businessName || p.appName) + '</strong> (' + esc(p.appName) + ')'; }).join(' and ') + '.</div>';
  }
  function frame(title, sub, inner, nextLabel) {
    var html = partners() + '<h1>' + esc(title) + '</h1>' + (sub ? '<p class="sub">' + esc(sub) + '</p>' : '');
    if (view.error) html += '<div class="error" role="alert" data-testid="es-error"><strong>Error ' + esc(view.error.code) + '</strong>: ' + esc(view.error.message) + '</div>';
    if (view.notice) html += '<div class="notice" role="status">' + esc(view.notice) + '</div>';
    if (view.inputError) html += '<div class="notice" role="status" data-testid="input-error">' + esc(view.inputError) + '</div>';
    html += inner;
    if (nextLabel) html += '<div class="actions"><button class="secondary" id="cancel" type="button">Cancel</button><button class="primary" id="next" type="button">' + esc(nextLabel) + '</button></div>';
    app.innerHTML = html;
    app.setAttribute('data-step', view.step);
    document.body.setAttribute('data-step', view.step);
    var cancel = document.getElementById('cancel');
    if (cancel) cancel.addEventListener('click', function () { sendCancel(); window.close(); });
  }
  function onNext(fn) { var b = document.getElementById('next'); if (b) b.addEventListener('click', fn); }

  function render() {
    var v = view;
    switch (v.step) {
      case 'login':
        frame('Log in to continue', 'Choose a sandbox person to log in as.',
          v.persons.map(function (p, i) { return radio(p.id, esc(p.name) + ' <small>' + esc(p.email) + '</small>', i === 0); }).join('') +
          radio('new', 'Someone else', v.persons.length === 0) +
          '<fieldset><label>Name<input type="text" id="person-name"></label><label>Email<input type="email" id="person-email"></label></fieldset>', 'Log in');
        onNext(function () {
          var c = chosen();
          act('login', c && c !== 'new' ? { personId: c } : { name: val('person-name'), email: val('person-email') });
        });
        break;
      case 'business': {
        var pre = v.prefill.newBusiness || {};
        var preId = v.prefill.businessId;
        frame('Choose your business portfolio', 'Your WhatsApp Business Account will belong to this business portfolio.',
          v.businesses.map(function (b, i) { return radio(b.id, esc(b.name), preId ? preId === b.id : (i === 0 && !v.prefill.newBusiness)); }).join('') +
          radio('new', 'Create a business portfolio', v.businesses.length === 0 || (!!v.prefill.newBusiness && !preId)) +
          '<fieldset><label>Business name<input type="text" id="business-name" value="' + esc(pre.name) + '"></label>' +
          '<label>Business email<input type="email" id="business-email" value="' + esc(pre.email) + '"></label>' +
          '<label>Website (optional)<input type="text" id="business-website" value="' + esc(pre.website) + '"></label>' +
          '<label>Country<input type="text" id="business-country" value="' + esc(pre.country || 'US') + '"></label></fieldset>', 'Next');
        onNext(function () {
          var c = chosen();
          if (c && c !== 'new') return act('business', { businessId: c });
          var body = { name: val('business-name'), country: val('business-country') || 'US' };
          if (val('business-email')) body.email = val('business-email');
          if (val('business-website')) body.website = val('business-website');
          act('business', body);
        });
        break;
      }
      case 'waba':
        frame('Choose a WhatsApp Business Account', 'Create a new account or share one you already have in ' + (v.businessName || 'this portfolio') + '.',
          v.wabas.map(function (w) { return radio(w.id, esc(w.name) + ' <small>' + esc(w.id) + '</small>', v.prefill.wabaIds.indexOf(w.id) >= 0 || !v.canCreateWaba); }).join('') +
          (v.canCreateWaba ? radio('new', 'Create a new WhatsApp Business Account', v.prefill.wabaIds.length === 0) +
            '<fieldset><label>Account name<input type="text" id="waba-name" value="' + esc(v.businessName || '') + '"></label></fieldset>' : ''), 'Next');
        onNext(function () {
          var c = chosen();
          act('waba', c && c !== 'new' ? { wabaId: c } : { name: val('waba-name') });
        });
        break;
      case 'phone':
        if (v.flow === 'coexistence') {
          frame('Connect your WhatsApp Business app', 'Choose the number you use in the WhatsApp Business app. You will keep using the app.',
            v.bizApps.map(function (b, i) { return radio(String(b.index), esc(b.display) + ' <small>' + esc(b.name) + (b.onboarded ? ' (already connected)' : '') + '</small>', i === 0); }).join('') || '<p>No WhatsApp Business app account is linked to this portfolio.</p>', 'Next');
          onNext(function () { var c = chosen(); act('phone', { bizApp: Number(c) }); });
        } else {
          frame('Add a phone number', 'This number will be used to message your customers.',
            v.phones.map(function (p) { return radio(p.id, esc(p.display) + ' <small>' + esc(p.name) + '</small>', false); }).join('') +
            radio('new', 'Add a new number', true) +
            '<fieldset><label>Country code<input type="text" id="phone-cc" value="1"></label><label>Phone number<input type="text" id="phone-number"></label>' +
            '<label>Verification method<select id="phone-method"><option value="SMS">Text message</option><option value="VOICE">Phone call</option></select></label></fieldset>', 'Next');
          onNext(function () {
            var c = chosen();
            act('phone', c && c !== 'new' ? { phoneNumberId: c } : { cc: val('phone-cc'), number: val('phone-number'), method: val('phone-method') || 'SMS' });
          });
        }
        break;
      case 'verify':
        if (v.flow === 'coexistence') {
          frame('Scan with your WhatsApp Business app', 'In the app, open Settings > Linked devices and confirm this code.',
            '<div class="sms" id="app-code" data-testid="app-code">' + esc(v.appConfirmCode) + '</div>' +
            '<fieldset><label>Code shown in the app<input type="text" id="code" value=""></label>' +
            '<label><input type="checkbox" id="share-history" checked> Share my chat history (up to 6 months)</label></fieldset>', 'Next');
          onNext(function () { act('verify', { code: val('code'), shareHistory: document.getElementById('share-history').checked }); });
        } else {
          frame('Verify your phone number', 'We sent a code to your phone (shown here: this is the sandbox).',
            '<div class="sms" id="sms" data-testid="sms">' + esc(v.sms) + '</div>' +
            '<fieldset><label>Enter the 6-digit code<input type="text" id="code" inputmode="numeric"></label></fieldset>', 'Next');
          onNext(function () { act('verify', { code: val('code') }); });
        }
        break;
      case 'profile': {
        // After an in-flow error the screen keeps what the person typed, not the pre-fill.
        var ph = v.typedProfile || v.prefill.phone || {};
        frame('Create your WhatsApp Business profile', 'Your display name must follow WhatsApp guidelines.',
          '<fieldset><label>Display name<input type="text" id="display-name" value="' + esc(ph.displayName || v.businessName || '') + '"></label>' +
          '<label>Category<select id="category">' + ['OTHER', 'RETAIL', 'RESTAURANT', 'PROF_SERVICES', 'HEALTH', 'EDU', 'FINANCE'].map(function (c) { return '<option' + (ph.category === c ? ' selected' : '') + '>' + c + '</option>'; }).join('') + '</select></label>' +
          '<label>Description<textarea id="description">' + esc(ph.description || '') + '</textarea></label></fieldset>', 'Next');
        onNext(function () { act('profile', { displayName: val('display-name'), category: val('category'), description: val('description') }); });
        break;
      }
      case 'permissions':
        frame('Review what you share', 'The partner app will be able to:',
          '<ul class="perms">' + v.permissions.map(function (p) { return '<li>' + esc(p) + '</li>'; }).join('') + '</ul>', 'Confirm');
        onNext(function () { act('confirm'); });
        break;
      case 'apps':
        frame('Choose your apps', 'Allow the Solution Partner to manage Multi-Partner Solutions for these apps.',
          v.apps.map(function (a) { return '<label class="choice"><input type="checkbox" name="app" value="' + esc(a.id) + '" checked> ' + esc(a.name) + ' <small>' + esc(a.id) + '</small></label>'; }).join(''), 'Confirm');
        onNext(function () {
          var ids = Array.prototype.map.call(document.querySelectorAll('input[name=app]:checked'), function (el) { return el.value; });
          act('apps', { appIds: ids });
        });
        break;
      case 'success':
        frame("You're all set", v.flow === 'manage_app_solution' ? 'The partner can now manage solutions for your apps.' : 'Your WhatsApp Business Account is connected.',
          '<div class="actions"><button class="primary" id="finish" type="button">Finish</button></div>', null);
        if (!terminal) {
          terminal = true;
          if (v.result && v.result.message) post(JSON.stringify(v.result.message));
          if (v.result && v.result.authResponse) xd('auth_response', v.result.authResponse);
        }
        document.getElementById('finish').addEventListener('click', function () { window.close(); });
        break;
      case 'error':
      default:
        frame('Something went wrong', null, '<div class="actions"><button class="primary" id="close-error" type="button">Close</button></div>', null);
        document.getElementById('close-error').addEventListener('click', function () { sendCancel(); window.close(); });
    }
  }
  render();
})();
</script>
</body>
</html>`;
}
