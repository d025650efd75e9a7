import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, parseVaultKeys, portalSecrets } from '@/lib/env';

describe('configuration', () => {
  it('generates missing portal secrets once, into a 0600 file', () => {
    const messages: string[] = [];
    const first = portalSecrets((m) => messages.push(m));
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.vaultKeys[0]!.key).toHaveLength(32);
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(portalSecrets()).toBe(first);
  });

  it('parses VAULT_KEYS and rejects keys of the wrong size', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseVaultKeys(`old:${key}, new:${key}`).map((k) => k.id)).toEqual(['old', 'new']);
    expect(() => parseVaultKeys(`short:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => parseVaultKeys('nokey')).toThrow(/id:base64key/);
  });

  it('refuses to start in production without explicit secrets, naming them', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      env: { ...process.env, VITEST: '', ONRAMP_PRODUCTION: '1', AUTH_SECRET: '', VAULT_KEYS: '', META_APP_ID: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    for (const name of ['AUTH_SECRET', 'VAULT_KEYS', 'META_APP_SECRET', 'META_WEBHOOK_VERIFY_TOKEN']) {
      expect(result.stderr).toContain(name);
    }
  });

  it('refuses to start when META_APP_SECRET is set without META_APP_ID, saying what to do', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      env: { ...process.env, VITEST: '', META_APP_ID: '', META_APP_SECRET: 'my-real-app-secret' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'onramp: META_APP_SECRET is set but META_APP_ID is not: set META_APP_ID to use your Meta app, or unset META_APP_SECRET to run against the built-in sandbox.',
    ]);
  });

  it('rejects invalid configuration with the variable name', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      env: { ...process.env, VITEST: '', PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('PORT');
  });
});
