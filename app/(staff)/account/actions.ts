'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { clientAddress, currentSession } from '@/lib/auth';
import { newPasswordSchema } from '@/lib/passwords';
import { staffAction } from '@/lib/staff-action';
import { changeOwnPassword } from '@/lib/staff';

const passwordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.').max(200),
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords are not the same.' });

export const changePassword = staffAction({ action: 'account.password', role: 'viewer', schema: passwordSchema }, async (input, { user, audit }) => {
  const { session } = (await currentSession())!;
  const { endedSessions } = await changeOwnPassword(
    {
      staffId: user.id,
      sessionId: session.id,
      address: clientAddress(await headers()),
      currentPassword: input.currentPassword,
      newPassword: input.newPassword,
    },
    audit,
  );
  const others = endedSessions === 1 ? 'Your 1 other session is signed out.' : `Your ${endedSessions} other sessions are signed out.`;
  return { ok: endedSessions > 0 ? `Password changed. ${others}` : 'Password changed.', target: user.id };
});
