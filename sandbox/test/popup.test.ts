import { describe, expect, it } from 'vitest';
import { createSandbox } from '../server';
import { chooseBusiness, chooseLogin, choosePhone, chooseWaba, sessionView, setProfile, startSession, verifyPhone } from '../signup';

// The Embedded Signup popup's profile screen after an in-flow error (Meta: Embedded Signup errors):
// the person fixes what they typed, so the screen must show it again, not the pre-fill.

describe('profile screen after an in-flow error', () => {
  it('keeps the typed display name, category and description instead of the pre-fill', () => {
    const sb = createSandbox({ scenario: 'empty', latency: 'none', log: () => {} });
    const s = startSession(sb, {
      appId: sb.options.appId,
      configId: sb.options.configId,
      extras: { setup: { phone: { displayName: 'Prefilled Name', category: 'OTHER', description: 'From the partner' } } },
      origin: 'http://portal.test',
    });
    chooseLogin(sb, s, { name: 'Pat Typist', email: 'pat@example.com' });
    chooseBusiness(sb, s, { name: 'Pat Co', email: 'pat@example.com', website: 'https://pat.example', country: 'US' });
    chooseWaba(sb, s, { name: 'Pat Co' });
    choosePhone(sb, s, { cc: '1', number: '5550134567' });
    const code = s.phone?.kind === 'new' ? s.phone.code : '';
    verifyPhone(sb, s, { code });
    expect(() => setProfile(sb, s, { displayName: 'WhatsApp Pat', category: 'RETAIL', description: 'Typed by Pat' })).toThrow();
    const view = sessionView(sb, s);
    expect(view.error?.code).toBe('524126');
    expect(view.typedProfile).toEqual({ displayName: 'WhatsApp Pat', category: 'RETAIL', description: 'Typed by Pat' });
    sb.clock.stop();
  });
});
