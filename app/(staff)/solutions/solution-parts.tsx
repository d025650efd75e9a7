import { StatusBadge } from '@/components/staff/display';
import { metaConfig } from '@/lib/env';
import { nothingToDo, permission, solutionActionLabels, solutionActions, solutionStateLabels, type SolutionState } from '@/lib/solutions/states';
import { factsOf, type SolutionRow } from '@/lib/solutions/store';
import { SolutionActions, type WriteMode } from './solution-forms';

// Pieces the solutions list and a solution's page share (server components).

const stateTones: Record<SolutionState, string> = {
  active: 'live',
  pending: 'running',
  pending_deactivation: 'action_needed',
  draft: 'received',
  inactive: 'rejected',
  deactivated: 'failed',
  unknown: 'unknown',
};

export function SolutionStateBadge({ state }: { state: SolutionState }) {
  return (
    <span data-testid="solution-state" data-state={state}>
      <StatusBadge status={stateTones[state]} label={solutionStateLabels[state]} />
    </span>
  );
}

/** The other app of the solution, as Meta names it. */
export function partnerOf(row: SolutionRow): { id: string | null; name: string | null } {
  return row.role === 'owner' ? { id: row.partnerAppId, name: row.partnerAppName } : { id: row.ownerAppId, name: row.ownerAppName };
}

export function messagingText(row: SolutionRow): string {
  if (row.weHoldMessaging === null) return 'Not read yet';
  if (row.weHoldMessaging) return 'Our app';
  const partner = partnerOf(row);
  return partner.name ? `${partner.name} (partner)` : 'The partner’s app';
}

export function sdkConfig() {
  const meta = metaConfig();
  return { appId: meta.appId, graphVersion: meta.graphVersion, sdkUrl: meta.sdkUrl };
}

/** Permitted actions as buttons; otherwise what the state allows, in words. */
export function ActionsCell({ row, canAct, mode }: { row: SolutionRow; canAct: boolean; mode: WriteMode }) {
  const facts = factsOf(row);
  const allowed = solutionActions.filter((action) => permission(action, facts).allowed).map((action) => ({ action, label: solutionActionLabels[action] }));
  const note = nothingToDo(facts);
  return (
    <div data-testid="solution-actions">
      {/* Mounted even when no action is left, so that the result of the last one stays on screen. */}
      {canAct ? <SolutionActions solutionId={row.metaSolutionId} actions={allowed} mode={mode} sdk={sdkConfig()} /> : null}
      {note ? <p className="text-xs text-slate-600">{note}</p> : null}
      {!canAct && allowed.length > 0 ? (
        <p className="text-xs text-slate-600">An operator can {allowed.map((a) => a.label.toLowerCase()).join(' or ')}.</p>
      ) : null}
    </div>
  );
}
