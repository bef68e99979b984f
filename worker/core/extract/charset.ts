/**
 * Bytes → text for HTML pages. Declared charsets lie (a page saying gb2312 whose bytes are UTF-8), so
 * a strict UTF-8 decode is tried first; only bytes that are not valid UTF-8 fall back to the charset
 * the page declares (BOM, then `<meta charset>` / `http-equiv`), then windows-1252.
 */

export function declaredCharset(head: string): string | undefined {
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head) ?? /<meta[^>]+content\s*=\s*["'][^"']*charset=([\w.:-]+)/i.exec(head);
  return m?.[1]?.toLowerCase();
}

export function decodeHtml(bytes: Uint8Array | string): { text: string; charset: string } {
  if (typeof bytes === 'string') return { text: bytes, charset: 'utf-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), charset: 'utf-16be' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), charset: 'utf-16le' };
  try {
    // ignoreBOM: false is the standard's default (a UTF-8 BOM is dropped), spelled out because the
    // Workers types require it.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), charset: 'utf-8' };
  } catch {
    /* not UTF-8: trust the declaration */
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const declared = declaredCharset(head);
  for (const label of [declared, 'windows-1252']) {
    if (!label) continue;
    try {
      return { text: new TextDecoder(label).decode(bytes), charset: label };
    } catch {
      /* unknown label: try the next */
    }
  }
  return { text: new TextDecoder('utf-8').decode(bytes), charset: 'utf-8' };
}
