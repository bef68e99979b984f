/**
 * Bearer-token guard for the publishing endpoints. The token is the Worker secret `ADMIN_TOKEN`
 * (`wrangler secret put ADMIN_TOKEN`; locally `.dev.vars`, see `.dev.vars.example`).
 *
 * 401 + `WWW-Authenticate` when no bearer token is sent, 403 when a wrong one is. Tokens are compared
 * as SHA-256 digests with `crypto.subtle.timingSafeEqual`, so neither the content nor the length of
 * the secret leaks through response timing.
 */
import type { MiddlewareHandler } from 'hono';
import { sha256 } from '../core/hash';
import { ProblemError } from './problem';

export const ADMIN_REALM = 'quotesource-publish';

/** Constant-time equality of two strings (of any lengths). */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  // Fallback outside workerd (Node tests): accumulate differences without an early exit.
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Requires `Authorization: Bearer <ADMIN_TOKEN>`. */
export function requireAdminToken(): MiddlewareHandler<{ Bindings: { ADMIN_TOKEN?: string } }> {
  return async (c, next) => {
    const expected = c.env?.ADMIN_TOKEN ?? '';
    if (!expected) {
      throw new ProblemError(
        'publishing-disabled',
        'This deployment has no ADMIN_TOKEN secret, so publishing is switched off. Set it with `wrangler secret put ADMIN_TOKEN` (locally: .dev.vars).',
        {
          headers: { 'retry-after': '3600' },
        },
      );
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
    if (!match) {
      const detail = header
        ? 'The Authorization header must be `Bearer <token>`.'
        : 'Publishing needs `Authorization: Bearer <token>` with the ADMIN_TOKEN secret.';
      throw new ProblemError('unauthorized', detail, {
        headers: { 'www-authenticate': `Bearer realm="${ADMIN_REALM}"${header ? ', error="invalid_request"' : ''}` },
      });
    }
    if (!(await tokensEqual(match[1], expected))) {
      throw new ProblemError('forbidden', 'The bearer token is not valid for publishing.');
    }
    await next();
  };
}
