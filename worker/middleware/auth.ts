/**
 * Bearer-token guard for the publishing endpoints. The token is the Worker secret `ADMIN_TOKEN`
 * (`wrangler secret put ADMIN_TOKEN`; locally `.dev.vars`, see `.dev.vars.example`).
 *
 * 401 + `WWW-Authenticate` when no bearer token is sent, 403 when a wrong one is. Tokens are compared
 * as SHA-256 digests with `crypto.subtle.timingSafeEqual`, so neither the content nor the length of
 * the secret leaks through response timing.
 */
import type { MiddlewareHandler } from 'hono';
import { problemResponse } from './problem';

export const ADMIN_REALM = 'quotesource-publish';

const encoder = new TextEncoder();
const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

/** Constant-time equality of two strings (of any lengths). */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  // Fallback outside workerd (Node tests): accumulate differences without an early exit.
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const problem = (status: 401 | 403 | 503, slug: string, title: string, detail: string, instance: string, headers: Record<string, string> = {}) =>
  problemResponse({ type: `/problems/${slug}`, title, status, detail, instance }, headers);

/** Requires `Authorization: Bearer <ADMIN_TOKEN>`. */
export function requireAdminToken(): MiddlewareHandler<{ Bindings: { ADMIN_TOKEN?: string } }> {
  return async (c, next) => {
    const instance = new URL(c.req.url).pathname;
    const expected = c.env?.ADMIN_TOKEN ?? '';
    if (!expected) {
      return problem(503, 'publishing-disabled', 'Publishing disabled', 'This deployment has no ADMIN_TOKEN secret, so publishing is switched off. Set it with `wrangler secret put ADMIN_TOKEN` (locally: .dev.vars).', instance, { 'retry-after': '3600' });
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
    if (!match) {
      const detail = header
        ? 'The Authorization header must be `Bearer <token>`.'
        : 'Publishing needs `Authorization: Bearer <token>` with the ADMIN_TOKEN secret.';
      return problem(401, 'unauthorized', 'Unauthorized', detail, instance, {
        'www-authenticate': `Bearer realm="${ADMIN_REALM}"${header ? ', error="invalid_request"' : ''}`,
      });
    }
    if (!(await tokensEqual(match[1], expected))) {
      return problem(403, 'forbidden', 'Forbidden', 'The bearer token is not valid for publishing.', instance);
    }
    await next();
  };
}
