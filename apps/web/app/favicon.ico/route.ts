// Browsers ask for /favicon.ico whatever the page links; the app's icon is app/icon.svg.
export function GET(): Response {
  return new Response(null, { status: 308, headers: { location: '/icon.svg' } });
}
