import type { WabaMetaState } from '@/lib/db/schema';
import { taskText } from '@/lib/accounts/words';
import { AddSystemUserForm, RemoveSystemUserForm } from '../account-forms';
import { Actions, Panel } from './panel';

/** Who is assigned to the account with which tasks (docs/meta/system-users.md). */
export function UsersPanel({
  metaWabaId,
  state,
  ourUserId,
  canAct,
}: {
  metaWabaId: string;
  state: WabaMetaState | undefined;
  ourUserId: string | undefined;
  canAct: boolean;
}) {
  const users = state?.assignedUsers ?? null;
  const ours = users?.find((u) => u.id === ourUserId);
  return (
    <Panel title="Assigned system users" testId="waba-users" id="system-users" readAt={state?.assignedUsersReadAt ?? null}>
      {users === null ? (
        <p className="text-sm text-slate-600">Not read from Meta yet: refresh to see who is assigned.</p>
      ) : users.length === 0 ? (
        <p className="text-sm text-slate-600">No system user is assigned to this account.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {users.map((user) => (
            <li key={user.id} className="flex flex-wrap items-start justify-between gap-3 py-2" data-testid="assigned-user" data-user={user.id}>
              <div>
                <p>
                  {user.name ?? 'System user'} <span className="font-mono text-xs text-slate-500">{user.id}</span>
                  {user.id === ourUserId ? ' (ours)' : ''}
                </p>
                <p className="text-xs text-slate-600">{user.tasks.map(taskText).join(', ') || 'No tasks'}</p>
              </div>
              {canAct ? <RemoveSystemUserForm wabaId={metaWabaId} userId={user.id} name={user.name ?? user.id} /> : null}
            </li>
          ))}
        </ul>
      )}
      {canAct && ourUserId && !ours ? (
        <Actions>
          <div className="text-sm">
            <p className="mb-2 text-slate-700">
              Adds our system user with full control, or, when a Multi-Partner Solution did not give us messaging, with the granular tasks without it.
            </p>
            <AddSystemUserForm wabaId={metaWabaId} />
          </div>
        </Actions>
      ) : null}
    </Panel>
  );
}
