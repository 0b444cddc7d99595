import type { NextConfig } from 'next';

// /graphql and /media/* reach the API through proxy.ts, which reads MUSE_API_URL per request:
// rewrites in this file would be frozen into the build, and the API address is a runtime choice.
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  experimental: {
    // proxy.ts buffers request bodies up to this size; uploads are bounded by the API's own limits.
    proxyClientMaxBodySize: '200mb',
  },
};

export default nextConfig;
