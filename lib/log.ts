import pino from 'pino';
import { env } from '@/lib/env';

const secretKeys = [
  'token',
  'access_token',
  'accessToken',
  'input_token',
  'business_token',
  'authorization',
  'pin',
  'code',
  'password',
  'passwordHash',
  'secret',
  'client_secret',
  'appsecret_proof',
  'cookie',
];

// Secrets are never logged: the same keys are redacted at the top level and one level down.
const redactPaths = secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export const log = pino({
  level: env.LOG_LEVEL,
  base: { app: 'onramp' },
  redact: { paths: redactPaths, censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
