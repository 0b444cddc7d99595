import { NextResponse, type NextRequest } from 'next/server';

const DEFAULT_API_URL = 'http://127.0.0.1:4000';

/** Forwards GraphQL and media requests to the API, so the browser sees one origin (no CORS). */
export function proxy(request: NextRequest): NextResponse {
  const api = (process.env.MUSE_API_URL || DEFAULT_API_URL).replace(/\/+$/, '');
  const target = new URL(request.nextUrl.pathname + request.nextUrl.search, api);
  return NextResponse.rewrite(target);
}

export const config = {
  matcher: ['/graphql', '/media/:path*'],
};
