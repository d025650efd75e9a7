import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import type { StaffRole, StaffUser } from '@/lib/db/schema';
import { portalSecrets } from '@/lib/env';
import { log } from '@/lib/log';
import { verifyDecoy, verifyPassword } from '@/lib/passwords';
import { findStaffByEmail, getStaffUser, recordSignInFailure, signInBlocked } from '@/lib/staff';

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
  }
}

class InvalidCredentials extends CredentialsSignin {
  code = 'invalid_credentials';
}
class RateLimited extends CredentialsSignin {
  code = 'rate_limited';
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
  session: { strategy: 'jwt', maxAge: 8 * 3600 },
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
        if (await signInBlocked(email, address)) throw new RateLimited();
        const user = await findStaffByEmail(email);
        const valid = user ? await verifyPassword(user.passwordHash, password) : (await verifyDecoy(password), false);
        if (!user || !valid) {
          await recordSignInFailure(email, address);
          throw new InvalidCredentials();
        }
        if (user.disabledAt) throw new AccountDisabled();
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
}));

export const signInMessages: Record<string, string> = {
  invalid_credentials: 'Email or password is incorrect.',
  rate_limited: 'Too many failed sign-in attempts. Wait 15 minutes and try again.',
  disabled: 'This account has been disabled. Ask an admin to enable it.',
};

const rank: Record<StaffRole, number> = { viewer: 1, operator: 2, admin: 3 };

/**
 * The signed-in, enabled staff user, read fresh from the database (role changes apply at once);
 * once per request, however many layouts, pages and components ask.
 */
export const currentUser = cache(async (): Promise<StaffUser | undefined> => {
  const session = await auth();
  if (!session?.user?.id) return undefined;
  const user = await getStaffUser(session.user.id);
  return user && !user.disabledAt ? user : undefined;
});

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
