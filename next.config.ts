import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native, WebAssembly and worker-owning packages load from node_modules at run time, so the custom
  // server and Next's route code share one instance of each.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pg-boss', 'pino', 'postgres', 'pg'],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
