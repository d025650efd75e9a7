import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md p-10 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist or is no longer available.</p>
      <Link href="/" className="mt-6 inline-block text-brand-700 underline">
        Go to Onramp
      </Link>
    </main>
  );
}
