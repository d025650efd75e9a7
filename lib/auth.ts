import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import type { StaffRole, StaffSession, StaffUser } from '@/lib/db/schema';
import { portalSecrets, publicUrl } from '@/lib/env';
import { log } from '@/lib/log';
import { verifyDecoy, verifyPassword } from '@/lib/passwords';
import { endStaffSession, findStaffByEmail, openSession, recordSignInFailure, sessionHours, signInBlocked, startStaffSession } from '@/lib/staff';

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
    /** The staff_sessions row this cookie belongs to. */
    sessionId?: string;
  }
  interface User {
    sessionId?: string;
  }
}

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid_credentials';
}
class RateLimited extends CredentialsSignin {
  code = 'rate_limited';
}
class AccountLimited extends CredentialsSignin {
  code = 'account_limited';
}
class AccountDisabled extends CredentialsSignin {
  code = 'disabled';
}

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(200),
});

/** The caller's address as the custom server recorded it (see server.ts). */
export function clientAddress(headers: Headers): string {
  return headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: portalSecrets().authSecret,
  trustHost: true,
  // From PUBLIC_URL, not from the request: a proxy that drops X-Forwarded-Proto must not turn it off.
  useSecureCookies: publicUrl.startsWith('https:'),
  session: { strategy: 'jwt', maxAge: sessionHours * 3600 },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  logger: {
    error(error) {
      // A failed sign-in is an expected outcome, counted by the limiter; not a server error.
      if (error.name === 'CredentialsSignin') return;
      log.error({ err: error }, 'auth error');
    },
    warn(code) {
      log.warn({ code }, 'auth warning');
    },
    debug() {},
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) throw new InvalidCredentials();
        const { email, password } = parsed.data;
        const address = clientAddress(request.headers);
        const blocked = await signInBlocked(email, address);
        if (blocked) throw blocked === 'account' ? new AccountLimited() : new RateLimited();
        const user = await findStaffByEmail(email);
        // An unknown email costs the same time as a wrong password.
        const valid = user ? await verifyPassword(user.passwordHash, password) : await verifyDecoy(password).then(() => false);
        if (!user || !valid) {
          await recordSignInFailure(email, address);
          throw new InvalidCredentials();
        }
        if (user.disabledAt) throw new AccountDisabled();
        const session = await startStaffSession(user, address);
        return { id: user.id, email: user.email, name: user.name, sessionId: session.id };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sid = user.sessionId;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (typeof token.sid === 'string') session.sessionId = token.sid;
      return session;
    },
  },
  events: {
    async signOut(message) {
      const sessionId = 'token' in message ? message.token?.sid : undefined;
      if (typeof sessionId === 'string') await endStaffSession(sessionId);
    },
  },
}));

export const signInMessages: Record<string, string> = {
  invalid_credentials: 'Email or password is incorrect.',
  rate_limited: 'Too many failed sign-in attempts. Wait 15 minutes and try again.',
  account_limited:
    'Too many failed sign-in attempts on this account from different places. Wait an hour, or sign in from a network you have signed in from before.',
  disabled: 'This account has been disabled. Ask an admin to enable it.',
};

const rank: Record<StaffRole, number> = { viewer: 1, operator: 2, admin: 3 };

/**
 * The signed-in, enabled staff user and their session, read fresh from the database on every
 * request (role changes apply at once; a session ended by sign-out, disabling or a password change
 * is refused); once per request, however many layouts, pages and components ask.
 */
export const currentSession = cache(async (): Promise<{ user: StaffUser; session: StaffSession } | undefined> => {
  const session = await auth();
  if (!session?.user?.id || !session.sessionId) return undefined;
  const open = await openSession(session.sessionId, session.user.id);
  return open && !open.user.disabledAt ? open : undefined;
});

export const currentUser = cache(async (): Promise<StaffUser | undefined> => (await currentSession())?.user);

export async function requireUser(): Promise<StaffUser> {
  const user = await currentUser();
  if (!user) redirect('/sign-in');
  return user;
}

/** Page, action or route: signed in with at least `minimum`, else sign-in or 403. */
export async function requireRole(minimum: StaffRole): Promise<StaffUser> {
  const user = await requireUser();
  if (rank[user.role] < rank[minimum]) forbidden();
  return user;
}

export function hasRole(user: Pick<StaffUser, 'role'>, minimum: StaffRole): boolean {
  return rank[user.role] >= rank[minimum];
}
