/** Splitting plain text into paragraph-sized excerpts. */

/** Longest excerpt we keep in one piece; longer paragraphs are cut at sentence ends. */
export const MAX_EXCERPT_CHARS = 1800;

/** Collapses runs of spaces/tabs and trims; keeps the words exactly as written otherwise. */
export function tidyParagraph(text: string): string {
  return text
    .replace(/[\t\f\v \u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *\n */g, ' ')
    .trim();
}

/**
 * Whether text ends in a line break followed only by whitespace; null when it is all whitespace
 * without one (no change). The paragraph walks track it as text is appended (two breaks in a row end
 * a paragraph), so a growing run is never re-scanned.
 */
export function trailingBreak(text: string): boolean | null {
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '\n') return true;
    if (!/\s/.test(ch)) return false;
  }
  return null;
}

/** Cuts an over-long paragraph at sentence ends so no excerpt exceeds MAX_EXCERPT_CHARS. */
function splitLong(paragraph: string): string[] {
  if (paragraph.length <= MAX_EXCERPT_CHARS) return [paragraph];
  const out: string[] = [];
  let rest = paragraph;
  while (rest.length > MAX_EXCERPT_CHARS) {
    const window = rest.slice(0, MAX_EXCERPT_CHARS);
    const cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('? '), window.lastIndexOf('! '), window.lastIndexOf('。'));
    const at = cut > MAX_EXCERPT_CHARS / 3 ? cut + 1 : window.lastIndexOf(' ') > 0 ? window.lastIndexOf(' ') : MAX_EXCERPT_CHARS;
    out.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/** Body text → paragraphs: blank lines separate paragraphs; single newlines are soft wraps. */
export function splitParagraphs(body: string): string[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map(tidyParagraph)
    .filter((p) => p.length > 0)
    .flatMap(splitLong);
}
