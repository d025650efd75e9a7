import { eq } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { auditLog, type StaffUser } from '@/lib/db/schema';
import { createStaffUser } from '@/lib/staff';
import { UserError } from '@/lib/user-error';
import { signedIn } from './signed-in';

// Resume and re-run as the browser calls them, with the session cookie replaced by `signedIn` and the
// pipeline replaced by stubs: what is checked is the role check, the validation and the audit trail.

const pipeline = vi.hoisted(() => ({ resume: vi.fn(), rerun: vi.fn() }));

vi.mock('next-auth', async () => (await import('./signed-in')).nextAuthMock);
vi.mock('next-auth/providers/credentials', () => ({ default: () => ({}) }));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));
vi.mock('@/lib/onboarding/pipeline', () => ({ resumeOnboarding: pipeline.resume, rerunStep: pipeline.rerun, stepLabels: {} }));

const { rerunStepAction, resumeOnboardingAction } = await import('@/app/(staff)/onboardings/actions');

let viewer: StaffUser;
let operator: StaffUser;

beforeAll(async () => {
  vi.stubEnv('__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS', '1');
  [viewer, operator] = await Promise.all([
    createStaffUser({ email: 'viewer@example.com', name: 'Viewer', password: 'viewer pass 1', role: 'viewer' }),
    createStaffUser({ email: 'operator@example.com', name: 'Operator', password: 'operator pass 1', role: 'operator' }),
  ]);
});

beforeEach(() => {
  signedIn.id = undefined;
  pipeline.resume.mockReset();
  pipeline.rerun.mockReset();
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const forbidden = expect.objectContaining({ digest: 'NEXT_HTTP_ERROR_FALLBACK;403' });

async function auditActions(action: string) {
  return db().select().from(auditLog).where(eq(auditLog.action, action));
}

describe('onboarding actions', () => {
  const sessionId = '6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b';

  it('refuses viewers with 403 before reaching the pipeline', async () => {
    signedIn.id = viewer.id;
    await expect(resumeOnboardingAction({}, form({ sessionId }))).rejects.toEqual(forbidden);
    await expect(rerunStepAction({}, form({ sessionId, step: 'subscribe_app' }))).rejects.toEqual(forbidden);
    expect(pipeline.resume).not.toHaveBeenCalled();
    expect(pipeline.rerun).not.toHaveBeenCalled();
  });

  it('shows the pipeline’s explained refusal and records the attempt', async () => {
    signedIn.id = operator.id;
    pipeline.resume.mockRejectedValue(new UserError('This onboarding is already live.'));
    expect(await resumeOnboardingAction({}, form({ sessionId }))).toMatchObject({ error: 'This onboarding is already live.' });
    expect(pipeline.resume).toHaveBeenCalledWith(sessionId);
    const [audit] = await auditActions('onboarding.resume');
    expect(audit).toMatchObject({ actorId: operator.id, target: sessionId, details: { ok: false, error: 'This onboarding is already live.' } });
  });

  it('hides an unexpected error behind a reference that the audit row and the log share', async () => {
    signedIn.id = operator.id;
    pipeline.resume.mockRejectedValue(new Error('connection terminated unexpectedly (secret detail)'));
    const state = await resumeOnboardingAction({}, form({ sessionId }));
    expect(state.error).toMatch(/^Something went wrong on our side\. Quote reference [0-9a-f]{8} to your administrator\.$/);
    expect(state.error).not.toContain('secret detail');
    const audits = await auditActions('onboarding.resume');
    expect(audits.at(-1)?.details).toEqual({ ok: false, error: `internal error (ref ${state.ref})` });
  });

  it('re-runs one step for an operator, and rejects a malformed step name without calling the pipeline', async () => {
    signedIn.id = operator.id;
    pipeline.rerun.mockResolvedValue(undefined);
    expect(await rerunStepAction({}, form({ sessionId, step: 'register_phone' }))).toEqual({ ok: 'Running this step again.' });
    expect(pipeline.rerun).toHaveBeenCalledWith(sessionId, 'register_phone');
    expect(await rerunStepAction({}, form({ sessionId, step: '../../etc' }))).toMatchObject({ error: 'This step does not exist.' });
    expect(pipeline.rerun).toHaveBeenCalledTimes(1);
    expect((await auditActions('onboarding.rerun_step')).map((a) => a.details)).toEqual([{ step: 'register_phone', ok: true }]);
  });
});
