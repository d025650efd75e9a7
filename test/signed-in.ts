import { vi } from 'vitest';

// Stands in for Auth.js in tests of staff actions: the session cookie is replaced by `signedIn.id`,
// backed by a real staff session row, so everything after the cookie (session, role) is the real code.

export const signedIn = { id: undefined as string | undefined };

const sessions = new Map<string, string>();

async function sessionOf(staffId: string): Promise<string> {
  const known = sessions.get(staffId);
  if (known) return known;
  const { getStaffUser, startStaffSession } = await import('@/lib/staff');
  const session = await startStaffSession((await getStaffUser(staffId))!, '127.0.0.1');
  sessions.set(staffId, session.id);
  return session.id;
}

export const nextAuthMock = {
  default: () => ({
    handlers: {},
    auth: async () => (signedIn.id ? { user: { id: signedIn.id }, sessionId: await sessionOf(signedIn.id) } : null),
    signIn: vi.fn(),
    signOut: vi.fn(),
  }),
  CredentialsSignin: class extends Error {},
};
