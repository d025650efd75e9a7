import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ZodJitless } from '@/components/zod-jitless';
import './globals.css';

// Every page reads the session or the database: nothing is prerendered at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Onramp', template: '%s · Onramp' },
  description: 'WhatsApp Business Platform onboarding',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <ZodJitless />
        {children}
      </body>
    </html>
  );
}
