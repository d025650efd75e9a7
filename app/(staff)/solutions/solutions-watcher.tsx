'use client';

import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

async function fetchVersion(): Promise<string> {
  const response = await fetch('/api/solutions/version', { cache: 'no-store' });
  if (!response.ok) throw new Error(`Status ${response.status}`);
  return ((await response.json()) as { version: string }).version;
}

function Watch({ version, everyMs }: { version: string; everyMs: number }) {
  const router = useRouter();
  const { data } = useQuery({ queryKey: ['solutions-version'], queryFn: fetchVersion, initialData: version, refetchInterval: everyMs });
  // A webhook (or another staff member) changed a solution: render the page again from the server.
  useEffect(() => {
    if (data !== version) router.refresh();
  }, [data, version, router]);
  return null;
}

/** Keeps the page current while partner_solutions webhooks change states behind it. */
export function SolutionsWatcher({ version, everyMs = 3_000 }: { version: string; everyMs?: number }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 2 } } }));
  return (
    <QueryClientProvider client={client}>
      <Watch version={version} everyMs={everyMs} />
    </QueryClientProvider>
  );
}
