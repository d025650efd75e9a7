import type { SignupActions } from '@/components/signup/embedded-signup';
import { completeAction, finishAction, launchAction, openSessionAction, outcomeAction } from './actions';

/** What the Embedded Signup button calls on the server. */
export const signupActions: SignupActions = {
  openSession: openSessionAction,
  launch: launchAction,
  finish: finishAction,
  outcome: outcomeAction,
  complete: completeAction,
};
