/**
 * The API's public origin, from configuration only (the `PUBLIC_ORIGIN` var in wrangler.toml).
 *
 * Why not `new URL(request.url).origin`? That is the request's `Host` header, which any client sets:
 * one request with `Host: evil.example` would put `http://evil.example/…` links in an answer, and an
 * edge cache keyed without the Host would hand them to every later reader. Configuration is the only
 * source of absolute links; when it is missing or not an http(s) origin, links that need it are left
 * out rather than guessed.
 */

/** `scheme://host[:port]` of a configured value, or undefined when it is empty or not an http(s) URL. */
export function publicOrigin(configured: string | undefined): string | undefined {
  const value = (configured ?? '').trim();
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
