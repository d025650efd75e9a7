import { currentUser } from '@/lib/auth';
import { solutionsVersion } from '@/lib/solutions/store';

// The solutions page polls this: it changes whenever a solution row does (a webhook, a refresh).
export async function GET() {
  const user = await currentUser();
  if (!user) return Response.json({ error: 'Sign in first' }, { status: 401, headers: { 'cache-control': 'no-store' } });
  return Response.json({ version: await solutionsVersion() }, { headers: { 'cache-control': 'no-store' } });
}
