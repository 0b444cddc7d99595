import type { NextConfig } from 'next';

// /graphql and /media/* reach the API through route handlers (lib/forwardToApi.ts) that read
// MUSE_API_URL per request: rewrites in this file would be frozen into the build, and the API
// address is a runtime choice.
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default nextConfig;
