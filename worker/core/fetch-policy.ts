/**
 * What the crawler may fetch, decided before any byte leaves the worker (pure; no I/O).
 *
 * Invariants:
 *  - Only `http:` and `https:` URLs, without credentials, on the default or an explicit port.
 *  - A host that is an IP literal (any spelling the URL parser accepts: `127.1`, `0x7f.1`,
 *    `[::ffff:127.0.0.1]`, `[::1]`) is refused unless its range is `unicast` (public): private,
 *    loopback, link-local, unique-local, carrier-grade NAT, multicast, reserved, unspecified,
 *    IPv4-mapped / NAT64 / 6to4 / Teredo forms of those, and documentation ranges all count as
 *    non-public. The `allowLoopback` switch (FETCH_ALLOW_LOOPBACK=on, development and tests only)
 *    admits loopback and nothing else.
 *  - Host names that only ever name this machine or a private network (`localhost`, `*.localhost`,
 *    `*.local`, `*.internal`, `*.home.arpa`, a name without a dot) are refused the same way; a public
 *    name is resolved and its addresses checked by the fetcher (`checkResolvedAddress`).
 *  - The same check runs on every redirect hop (the fetcher never lets the runtime follow one).
 */
import ipaddr from 'ipaddr.js';

export interface FetchPolicy {
  /** FETCH_ALLOW_LOOPBACK=on: loopback addresses and `localhost` are fetchable (development, tests). */
  allowLoopback: boolean;
}

export class FetchRefused extends Error {
  constructor(
    message: string,
    /** permanent: retrying cannot help (bad scheme, private address, robots, too large, wrong type). */
    readonly permanent = true,
  ) {
    super(message);
    this.name = 'FetchRefused';
  }
}

const LOOPBACK_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/;
const PRIVATE_NAMES = /\.(local|internal|intranet|lan|home\.arpa|corp)$/;

/** The address range of an IP literal as ipaddr.js names it, IPv4-mapped IPv6 unwrapped. */
export function addressRange(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else {
      // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address that decides where the packet goes.
      const range = v6.range();
      if (range === 'rfc6052' || range === 'rfc6145') parsed = ipaddr.fromByteArray(v6.toByteArray().slice(12));
      else if (range === '6to4') parsed = ipaddr.fromByteArray(v6.toByteArray().slice(2, 6));
    }
  }
  return parsed.range();
}

/** Refuses an address that is not public unicast (loopback too, unless allowed). */
export function checkResolvedAddress(address: string, policy: FetchPolicy): void {
  if (!ipaddr.isValid(address)) throw new FetchRefused(`"${address}" is not an IP address`);
  const range = addressRange(address);
  if (range === 'unicast') return;
  if (range === 'loopback' && policy.allowLoopback) return;
  throw new FetchRefused(`refused to fetch from ${address}: a ${range} address, not a public one (no requests to private, loopback or link-local networks)`);
}

/** The URL, parsed and checked: scheme, credentials, host name or literal address. */
export function checkFetchUrl(raw: string, policy: FetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchRefused(`"${raw.slice(0, 200)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefused(`refused the ${url.protocol} scheme: only http and https URLs are fetched`);
  if (url.username || url.password) throw new FetchRefused('refused a URL with credentials in it');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (ipaddr.isValid(host)) {
    checkResolvedAddress(host, policy);
    return url;
  }
  if (LOOPBACK_NAMES.test(host)) {
    if (policy.allowLoopback) return url;
    throw new FetchRefused(`refused to fetch from ${host}: it names this machine`);
  }
  if (!host.includes('.') || PRIVATE_NAMES.test(host)) throw new FetchRefused(`refused to fetch from ${host}: not a public host name`);
  return url;
}

/** What a fetched body must be, by what we asked for. */
export type Expected = 'feed' | 'page' | 'robots';

const FEED_TYPES = /^(application\/(rss\+xml|atom\+xml|xml|rdf\+xml|json|ld\+json|feed\+json)|text\/xml)$/;
const PAGE_TYPES = /^(text\/html|application\/xhtml\+xml)$/;

/** Refuses a response whose media type cannot be what was expected (a feed that is an image, a page that is a PDF). */
export function checkContentType(header: string | null, expected: Expected): void {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  if (expected === 'robots') return;
  // No type at all: sniffed later by the parser, which refuses what it cannot read.
  if (!type) return;
  // A feed URL may also be a fact-check page (ClaimReview JSON-LD in HTML): the source's type says which parser runs.
  const ok = expected === 'feed' ? FEED_TYPES.test(type) || PAGE_TYPES.test(type) || type === 'text/plain' : PAGE_TYPES.test(type);
  if (!ok) throw new FetchRefused(`unexpected content type "${type}" for a ${expected}`);
}
