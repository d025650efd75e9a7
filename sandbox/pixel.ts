import type { ServerResponse } from 'node:http';
import type { Sandbox } from './state';

// Meta Pixel stand-in (Meta: Pixel tracking): fbevents.js drains the standard fbq queue and records every
// call through /tr (as the real pixel does), readable at GET /_sandbox/pixel-events.

export function fbeventsScript(origin: string): string {
  return `/* Onramp sandbox stand-in for the Meta Pixel (fbevents.js) */
(function () {
  'use strict';
  var ORIGIN = ${JSON.stringify(origin)};
  var f = window;
  var n = f.fbq;
  if (!n) {
    n = f.fbq = function () { n.callMethod ? n.callMethod.apply(n, arguments) : n.queue.push(arguments); };
    if (!f._fbq) f._fbq = n;
    n.push = n; n.loaded = true; n.version = '2.0'; n.queue = [];
  }
  var pixels = [];
  function send(args) {
    var method = String(args[0]);
    var q = new URLSearchParams({ source: 'pixel', method: method, page: location.href });
    if (method === 'init') {
      pixels.push(String(args[1]));
      q.set('id', String(args[1]));
      if (args[2] !== undefined) q.set('params', JSON.stringify(args[2]));
    } else {
      if (pixels[0]) q.set('id', pixels[0]);
      if (args[1] !== undefined) q.set('ev', String(args[1]));
      if (args[2] !== undefined) q.set('params', JSON.stringify(args[2]));
    }
    var img = new Image();
    img.src = ORIGIN + '/tr?' + q.toString();
  }
  n.callMethod = function () { send(Array.prototype.slice.call(arguments)); };
  var queued = n.queue || [];
  n.queue = [];
  for (var i = 0; i < queued.length; i++) send(Array.prototype.slice.call(queued[i]));
})();
`;
}

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function recordPixel(sb: Sandbox, res: ServerResponse, url: URL): void {
  const q = url.searchParams;
  let params: unknown = {};
  try {
    params = JSON.parse(q.get('params') ?? '{}');
  } catch {
    params = q.get('params');
  }
  const source = q.get('source') === 'sdk' ? 'sdk' : 'pixel';
  const event = q.get('ev') ?? undefined;
  const pixelId = q.get('id') ?? q.get('app_id') ?? undefined;
  sb.state.pixelEvents.push({
    at: sb.clock.now(),
    source,
    method: q.get('method') ?? (q.get('noscript') ? 'noscript' : 'track'),
    ...(pixelId ? { pixelId } : {}),
    ...(event ? { event } : {}),
    params,
    ...(q.get('page') ? { page: q.get('page') ?? '' } : {}),
  });
  res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
  res.end(GIF);
}
