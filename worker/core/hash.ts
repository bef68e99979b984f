/**
 * The project's hashes, said once. FNV-1a (32-bit) where a short, synchronous, stable name is
 * wanted — feature keys, ids, page-token fingerprints; never for security. SHA-256 (Web Crypto,
 * in workerd and Node alike) for content hashes, ETags and constant-time token comparison.
 * Stored keys depend on `fnv1a`'s values: changing it means a new KEY_VERSION.
 */

/** FNV-1a's 32-bit offset basis: the default seed. */
export const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units, as an unsigned integer. */
export function fnv1a(text: string, seed = FNV_OFFSET_BASIS): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

const encoder = new TextEncoder();

/** SHA-256 of a string (UTF-8) or bytes. */
export async function sha256(data: string | ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 as 64 lowercase hex digits. */
export const sha256Hex = async (data: string | ArrayBuffer | Uint8Array<ArrayBuffer>) => toHex(await sha256(data));
