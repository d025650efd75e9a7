// The baseline of bench:webhooks: a bare node:http server that reads the body, verifies the signature
// and parses the JSON, then answers 200. Nothing is stored.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = 'sandbox-app-secret';

createServer((req, res) => {
  if (req.method !== 'POST') return void res.writeHead(403).end();
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const header = String(req.headers['x-hub-signature-256'] ?? '');
    const expected = createHmac('sha256', secret).update(body).digest();
    const given = Buffer.from(header.slice(7), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.writeHead(401).end();
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      return void res.writeHead(400).end();
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
}).listen(Number(process.env.PORT ?? 3700), '127.0.0.1');
