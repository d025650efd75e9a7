// A solution's state as Meta's App Dashboard names it, and what each state lets us do (Meta:
// Multi-Partner Solutions, "Solution States" and "Editing or Deactivating Solutions"). The page
// shows only the permitted actions; the server checks the same table before it calls Meta.

export type SolutionState = 'draft' | 'pending' | 'active' | 'inactive' | 'deactivated' | 'pending_deactivation' | 'unknown';

export const solutionStateLabels: Record<SolutionState, string> = {
  draft: 'Draft',
  pending: 'Pending',
  active: 'Active',
  inactive: 'Inactive',
  deactivated: 'Deactivated',
  pending_deactivation: 'Pending deactivation',
  unknown: 'Not read yet',
};

/** What each state means, in the App Dashboard's words. */
export const solutionStateHelp: Record<SolutionState, string> = {
  draft: 'Saved but not sent to the partner yet. Customers cannot onboard through it.',
  pending: 'Sent, not yet accepted or declined by the invited partner. Customers cannot onboard through it.',
  active: 'Accepted: signup links can use it to onboard customers.',
  inactive: 'The invited partner declined it. Customers cannot onboard through it.',
  deactivated: 'Deactivated. Customers cannot onboard through it.',
  pending_deactivation: 'One partner asked to deactivate it; it still onboards customers until the other partner accepts.',
  unknown: 'Refresh from Meta to read its state.',
};

/** The API keeps the pending request apart from the status; the App Dashboard folds them together. */
export function solutionState(status: string | null | undefined, pendingRequest: string | null | undefined): SolutionState {
  switch (status) {
    case 'DRAFT':
      return 'draft';
    case 'INITIATED':
    case 'PENDING':
      return 'pending';
    case 'ACTIVE':
      return pendingRequest === 'PENDING_DEACTIVATION' ? 'pending_deactivation' : 'active';
    case 'REJECTED':
      return 'inactive';
    case 'DEACTIVATED':
      return 'deactivated';
    default:
      return 'unknown';
  }
}

export type SolutionAction = 'accept' | 'reject' | 'request_deactivation' | 'accept_deactivation' | 'reject_deactivation';

export const solutionActionLabels: Record<SolutionAction, string> = {
  accept: 'Accept the invitation',
  reject: 'Decline the invitation',
  request_deactivation: 'Ask to deactivate',
  accept_deactivation: 'Accept the deactivation',
  reject_deactivation: 'Decline the deactivation',
};

export const solutionActions = Object.keys(solutionActionLabels) as SolutionAction[];

export type SolutionFacts = { state: SolutionState; role: 'owner' | 'partner' | null };

export type Permission = { allowed: true } | { allowed: false; reason: string };

/** Whether our app may take `action` on a solution in this state, and if not, why. */
export function permission(action: SolutionAction, solution: SolutionFacts): Permission {
  const { state, role } = solution;
  const label = solutionStateLabels[state];
  if (state === 'unknown' || role === null) return { allowed: false, reason: 'Onramp has not read this solution from Meta yet. Refresh from Meta first.' };
  switch (action) {
    case 'accept':
    case 'reject':
      if (state !== 'pending') return { allowed: false, reason: `This solution is ${label}: only a Pending invitation can be accepted or declined.` };
      if (role === 'owner') return { allowed: false, reason: 'We sent this invitation: the invited partner accepts or declines it.' };
      return { allowed: true };
    case 'request_deactivation':
      if (state !== 'active') return { allowed: false, reason: `This solution is ${label}: only an Active solution can be deactivated.` };
      if (role !== 'owner') return { allowed: false, reason: 'Only the partner that created the solution can ask to deactivate it.' };
      return { allowed: true };
    case 'accept_deactivation':
    case 'reject_deactivation':
      if (state !== 'pending_deactivation') return { allowed: false, reason: `This solution is ${label}: there is no deactivation request to answer.` };
      // Only the creator asks to deactivate, so the creator waits and the invited partner answers.
      if (role === 'owner') return { allowed: false, reason: 'We asked to deactivate this solution: the partner accepts or declines.' };
      return { allowed: true };
  }
}

/** What staff can do about a state that permits none of our actions. */
export function nothingToDo(solution: SolutionFacts): string | null {
  if (solutionActions.some((a) => permission(a, solution).allowed)) return null;
  switch (solution.state) {
    case 'draft':
      return solution.role === 'owner'
        ? 'Meta’s API cannot send a draft: send it from App Dashboard › WhatsApp › Partner solutions. Its state updates here when Meta tells us.'
        : 'The partner has not sent this draft yet.';
    case 'pending':
      return 'Waiting for the invited partner to accept or decline.';
    case 'active':
      return 'The partner that created the solution can ask to deactivate it.';
    case 'pending_deactivation':
      return 'Waiting for the partner to accept or decline the deactivation.';
    case 'inactive':
      return 'Declined. Only its name can be edited, in the App Dashboard.';
    case 'deactivated':
      return 'Deactivated solutions cannot be changed.';
    case 'unknown':
      return 'Refresh from Meta to read its state.';
  }
}
