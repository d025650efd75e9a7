import type { NextConfig } from 'next';
import { baseSecurityHeaders } from './lib/http-security';

const nextConfig: NextConfig = {
  // Native, WebAssembly and worker-owning packages load from node_modules at run time, so the custom
  // server and Next's route code share one instance of each.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pg-boss', 'pino', 'postgres', 'pg', 'unpdf'],
  experimental: {
    authInterrupts: true,
    // Business verification uploads up to 3 documents of 5 MB each in one server action (Meta:
    // Partner-led Business Verification); both limits default lower (1 MB, 10 MB).
    serverActions: { bodySizeLimit: '16mb' },
    proxyClientMaxBodySize: '16mb',
  },
  poweredByHeader: false,
  // The per-page Content-Security-Policy (with its nonce) comes from proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: [...baseSecurityHeaders] }];
  },
  typedRoutes: false,
};

export default nextConfig;
