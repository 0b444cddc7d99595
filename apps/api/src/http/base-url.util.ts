import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';

// Host names, IPv4/IPv6 literals and a port; anything else in a Host header is not echoed back.
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * scheme://host the client used to reach us. Behind a proxy on loopback (the web app's Next.js
 * proxy sends X-Forwarded-Host / X-Forwarded-Proto) that is the proxy's origin, not ours:
 * Express honours those headers because `trust proxy` is `loopback` (see app.ts).
 */
export function requestBaseUrl(req: Request): string {
  const forwarded = req.host;
  const host = forwarded && HOST_PATTERN.test(forwarded) ? forwarded : req.get('host');
  const protocol = req.protocol === 'https' || req.protocol === 'http' ? req.protocol : 'http';
  return `${protocol}://${host}`;
}

/** scheme://host of a websocket's upgrade request (no proxy headers: the web app's proxy does not carry websockets). */
export function upgradeBaseUrl(req: IncomingMessage): string {
  const host = req.headers.host && HOST_PATTERN.test(req.headers.host) ? req.headers.host : `${req.socket.localAddress}:${req.socket.localPort}`;
  return `http://${host}`;
}
