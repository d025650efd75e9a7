// The stand-in for connect.facebook.net/<locale>/sdk.js: window.FB with init, login, getLoginStatus
// and AppEvents, fbAsyncInit honoured. FB.login opens the Embedded Signup popup at the sandbox origin
// and learns the outcome from non-JSON "xd" messages, like the real SDK does.

export function sdkScript(origin: string): string {
  return `/* Onramp sandbox stand-in for the Facebook JavaScript SDK */
(function () {
  'use strict';
  if (window.FB && window.FB.__sandbox) return;
  var ORIGIN = ${JSON.stringify(origin)};
  var settings = null;
  var loginStatus = { status: 'unknown', authResponse: null };
  var seq = 0;
  function qs(obj) {
    var parts = [];
    for (var k in obj) if (Object.prototype.hasOwnProperty.call(obj, k) && obj[k] !== undefined && obj[k] !== null) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(obj[k])));
    return parts.join('&');
  }
  function track(method, params) {
    var img = new Image();
    img.src = ORIGIN + '/tr?' + qs({ source: 'sdk', method: method, app_id: settings && settings.appId, params: JSON.stringify(params || {}), page: location.href });
  }
  var FB = {
    __sandbox: true,
    init: function (options) {
      settings = options || {};
      if (!settings.appId) console.error('FB.init: appId is required');
      if (settings.autoLogAppEvents) FB.AppEvents.logPageView();
    },
    getLoginStatus: function (callback) {
      if (typeof callback === 'function') setTimeout(function () { callback(loginStatus); }, 0);
    },
    getAuthResponse: function () { return loginStatus.authResponse; },
    logout: function (callback) {
      loginStatus = { status: 'unknown', authResponse: null };
      if (typeof callback === 'function') callback(loginStatus);
    },
    login: function (callback, options) {
      if (typeof callback !== 'function') { console.error('FB.login: the callback must be a function'); return; }
      if (callback.constructor && callback.constructor.name === 'AsyncFunction') {
        throw new Error('Expression is of type asyncfunction, not function');
      }
      if (!settings) { console.error('FB.login() called before FB.init().'); return; }
      options = options || {};
      var cbt = 'f' + (++seq) + Math.random().toString(36).slice(2, 10);
      var version = settings.version || 'v25.0';
      var params = {
        client_id: settings.appId,
        display: 'popup',
        origin: location.origin,
        cbt: cbt,
        config_id: options.config_id,
        response_type: options.response_type,
        override_default_response_type: options.override_default_response_type ? 'true' : undefined,
        scope: options.scope,
        extras: options.extras ? JSON.stringify(options.extras) : undefined
      };
      var width = 600, height = 760;
      var left = (window.screenX || 0) + Math.max(0, ((window.outerWidth || width) - width) / 2);
      var top = (window.screenY || 0) + Math.max(0, ((window.outerHeight || height) - height) / 2);
      var popup = window.open(ORIGIN + '/' + version + '/dialog/oauth?' + qs(params), 'fb_es_' + cbt,
        'width=' + width + ',height=' + height + ',left=' + left + ',top=' + top + ',scrollbars=yes');
      var pending = null;
      var sessionId = null;
      var terminalSeen = false;
      var done = false;
      var timer = null;
      window.__fbSandboxSettled = false;
      function finish(response) {
        if (done) return;
        done = true;
        window.removeEventListener('message', onMessage);
        if (timer) clearInterval(timer);
        loginStatus = response;
        callback(response);
      }
      function onMessage(event) {
        if (event.origin !== ORIGIN || typeof event.data !== 'string') return;
        var message;
        try { message = new URLSearchParams(event.data); } catch (e) { return; }
        if (message.get('cbt') !== cbt) return;
        var type = message.get('type');
        if (type === 'ready') sessionId = message.get('frame');
        if (type === 'close') terminalSeen = true;
        if (type === 'auth_response') {
          terminalSeen = true;
          try { pending = JSON.parse(message.get('payload') || 'null'); } catch (e) { pending = null; }
        }
      }
      window.addEventListener('message', onMessage);
      if (!popup) { finish({ status: 'unknown', authResponse: null }); return; }
      // Closing the popup ends the login; on the final screen it still counts as success (Meta: Embedded Signup implementation).
      timer = setInterval(function () {
        if (!popup.closed) return;
        // A window torn down without its unload handlers never said goodbye: a hidden frame at the
        // sandbox origin reports the CANCEL for the screen it was closed on.
        var reporting = !terminalSeen && sessionId;
        if (reporting) {
          var frame = document.createElement('iframe');
          frame.style.display = 'none';
          frame.src = ORIGIN + '/dialog/es/' + encodeURIComponent(sessionId) + '/closed';
          // The frame reports while it loads; once loaded it has nothing more to say.
          frame.onload = function () {
            if (frame.parentNode) frame.parentNode.removeChild(frame);
            window.__fbSandboxSettled = true;
          };
          document.body.appendChild(frame);
        }
        finish(pending ? { status: 'connected', authResponse: pending } : { status: 'unknown', authResponse: null });
        // Sandbox only: tells a test that this login has sent every message it will send.
        if (!reporting) window.__fbSandboxSettled = true;
      }, 100);
    },
    AppEvents: {
      logPageView: function () { track('logPageView', {}); },
      logEvent: function (name, value, params) { track('logEvent', { name: name, value: value, params: params }); }
    },
    XFBML: { parse: function () {} },
    Event: { subscribe: function () {}, unsubscribe: function () {} }
  };
  window.FB = FB;
  setTimeout(function () {
    if (typeof window.fbAsyncInit === 'function' && !window.fbAsyncInit.hasRun) {
      window.fbAsyncInit.hasRun = true;
      window.fbAsyncInit();
    }
  }, 0);
})();
`;
}
