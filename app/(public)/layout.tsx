import type { ReactNode } from 'react';

export default function PublicLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen justify-center p-6 sm:items-center">
      <div className="w-full max-w-lg rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <p className="mb-4 text-sm font-semibold tracking-wide text-brand-700">ONRAMP</p>
        {children}
      </div>
    </main>
  );
}
