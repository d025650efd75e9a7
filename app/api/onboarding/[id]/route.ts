import { browserSession } from '@/lib/onboarding/browser';
import { customerStatus } from '@/lib/onboarding/status';

// The customer's status page polls this; only the browser that started the onboarding may read it.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await browserSession(id);
  if (!session) return Response.json({ error: 'Not found' }, { status: 404, headers: { 'cache-control': 'no-store' } });
  return Response.json(await customerStatus(session), { headers: { 'cache-control': 'no-store' } });
}
