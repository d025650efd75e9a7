import { redirect } from 'next/navigation';
import { countStaff } from '@/lib/staff';

export const dynamic = 'force-dynamic';

export default async function Home() {
  redirect((await countStaff()) === 0 ? '/setup' : '/dashboard');
}
