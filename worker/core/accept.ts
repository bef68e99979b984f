/**
 * `Accept` negotiation (RFC 9110 §12.5.1) between the media types a route offers: q-values,
 * `type/*` and `*\/*` ranges, the most specific range deciding a type's quality.
 * `application/ld+json;q=0` means "not this", so it must never be chosen.
 */

interface Range {
  type: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...params] = part
        .trim()
        .toLowerCase()
        .split(';')
        .map((s) => s.trim());
      const qParam = params.find((p) => p.startsWith('q='));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { type, q: Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0 };
    })
    .filter((r) => /^[\w.+*-]+\/[\w.+*-]+$/.test(r.type));
}

/** The quality the header gives `type`: from the most specific matching range, 0 when none matches. */
function quality(ranges: Range[], type: string): number {
  const [major] = type.split('/');
  const exact = ranges.find((r) => r.type === type);
  if (exact) return exact.q;
  const partial = ranges.find((r) => r.type === `${major}/*`);
  if (partial) return partial.q;
  return ranges.find((r) => r.type === '*/*')?.q ?? 0;
}

/**
 * The offer the client prefers (ties go to the earlier offer); the first offer when there is no
 * `Accept` header; null when the client accepts none of them.
 */
export function negotiate<T extends string>(accept: string | undefined, offers: readonly T[]): T | null {
  if (!accept?.trim()) return offers[0] ?? null;
  const ranges = parseAccept(accept);
  if (!ranges.length) return offers[0] ?? null;
  let best: T | null = null;
  let bestQ = 0;
  for (const offer of offers) {
    const q = quality(ranges, offer);
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}
