/**
 * Security headers by response type:
 * - every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, HSTS;
 * - HTML (the demo page): a strict Content-Security-Policy (no inline script, no plugins, no framing,
 *   no base/form hijacking), `X-Frame-Options: DENY`, COOP, a closed Permissions-Policy;
 * - scripts (`/widget.js`): `Cross-Origin-Resource-Policy: cross-origin`, so pages that isolate
 *   themselves (COEP) can still embed the widget, plus nosniff so it only ever runs as JavaScript;
 * - JSON / problem+json: `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`, so an
 *   API response opened directly in a browser can never run or frame anything.
 * A route that sets its own CSP (e.g. a stricter page) keeps it.
 */
import type { MiddlewareHandler } from 'hono';

export const HTML_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const ALWAYS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

const HTML: Record<string, string> = {
  'content-security-policy': HTML_CSP,
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

const SCRIPT: Record<string, string> = {
  'cross-origin-resource-policy': 'cross-origin',
};

const JSON_LIKE: Record<string, string> = {
  'content-security-policy': API_CSP,
};

/** The headers a response of this content type should carry. */
export function securityHeadersFor(contentType: string): Record<string, string> {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml') return { ...ALWAYS, ...HTML };
  if (type === 'text/javascript' || type === 'application/javascript' || type === 'application/x-javascript') return { ...ALWAYS, ...SCRIPT };
  if (type === 'application/json' || type.endsWith('+json')) return { ...ALWAYS, ...JSON_LIKE };
  return { ...ALWAYS };
}

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const wanted = securityHeadersFor(c.res.headers.get('content-type') ?? '');
    let headers = c.res.headers;
    try {
      headers.set('x-content-type-options', 'nosniff');
    } catch {
      // Responses from fetch()/ASSETS/cache have immutable headers: copy once, then set.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
    }
    for (const [name, value] of Object.entries(wanted)) {
      if (name === 'content-security-policy' && headers.has(name)) continue;
      headers.set(name, value);
    }
  };
}
