// Server-only: where a browser finds the API's websocket (the jobUpdated subscription). The web server's
// route handlers forward HTTP but cannot carry a websocket, so the browser connects to the API itself:
// at MUSE_PUBLIC_API_URL when set (the API as browsers reach it), else at MUSE_API_URL, which
// lib/subscription.ts browserWebsocketUrl only uses from a page on loopback. Read per request, like MUSE_API_URL.
import { apiBaseUrl } from './forwardToApi';
import { websocketUrl, type SubscriptionAddress } from './subscription';

export function subscriptionAddress(): SubscriptionAddress | null {
  const given = process.env.MUSE_PUBLIC_API_URL?.trim();
  try {
    return given ? { url: websocketUrl(given), public: true } : { url: websocketUrl(apiBaseUrl()), public: false };
  } catch {
    return null; // not a URL: the page polls
  }
}
