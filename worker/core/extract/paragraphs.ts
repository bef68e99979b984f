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
 * The paragraphs a walk over a page's elements finds (html.ts over a DOM, block-walk.ts over
 * htmlparser2's tree): an innermost block's text is one paragraph, and so is a run of inline text
 * between blocks, which ends where a block starts, where its container ends, or at two line breaks in
 * a row (`<br><br>`, as Readability reads it and as bounds.ts leaves a dropped tag).
 */
export class ParagraphCollector {
  readonly paragraphs: string[] = [];
  private run = '';
  /**
   * Whether the run ends in a line break (then only whitespace). Tracked as text is appended, not
   * tested on the run itself: re-scanning a growing run at every <br> is quadratic.
   */
  private atBreak = false;

  /** A whole paragraph: an innermost block's text. */
  add(text: string, minLength = 1): void {
    const paragraph = tidyParagraph(text);
    if (paragraph.length >= minLength) this.paragraphs.push(paragraph);
  }

  /** Inline text into the current run. */
  append(text: string): void {
    this.run += text;
    this.atBreak = trailingBreak(text) ?? this.atBreak;
  }

  /** A <br>: a line break in the run, or the run's end when it already ends in one. */
  lineBreak(): void {
    if (this.atBreak) this.emitRun();
    else this.append('\n');
  }

  /** The run ends (a block starts, or its container ends): it is a paragraph if it has two characters. */
  endRun(): void {
    this.emitRun();
    this.atBreak = false;
  }

  private emitRun(): void {
    this.add(this.run, 2);
    this.run = '';
  }
}

/** Whether text ends in a line break followed only by whitespace; null when it is all whitespace without one (no change). */
function trailingBreak(text: string): boolean | null {
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
