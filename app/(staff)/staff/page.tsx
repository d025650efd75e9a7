import type { Metadata } from 'next';
import { PageHeader } from '@/components/empty-state';
import { requireRole } from '@/lib/auth';
import { listStaff } from '@/lib/staff';
import { CreateStaffForm, StaffRowActions } from './staff-forms';

export const metadata: Metadata = { title: 'Staff' };

export default async function StaffPage() {
  const admin = await requireRole('admin');
  const staff = await listStaff();
  return (
    <>
      <PageHeader title="Staff">Who can use this dashboard, and what they may do.</PageHeader>
      <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
        <table className="w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-4 py-2">Name</th>
              <th className="px-4 py-2">Email</th>
              <th className="px-4 py-2">Status</th>
              <th className="px-4 py-2">Role and access</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((user) => (
              <tr key={user.id} className="border-t border-slate-100" data-testid={`staff-${user.email}`}>
                <td className="px-4 py-2">{user.name}</td>
                <td className="px-4 py-2">{user.email}</td>
                <td className="px-4 py-2">{user.disabledAt ? 'Disabled' : 'Active'}</td>
                <td className="px-4 py-2">
                  <StaffRowActions id={user.id} role={user.role} disabled={Boolean(user.disabledAt)} self={user.id === admin.id} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <section className="rounded-xl border border-slate-200 bg-white p-5">
          <h2 className="mb-4 font-medium">Add a staff member</h2>
          <CreateStaffForm />
        </section>
      </div>
    </>
  );
}
