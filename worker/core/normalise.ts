/**
 * Text normalisation shared by ingestion (index features) and lookup (query features, alignment).
 *
 * The normalised text is for comparison only: every normalised character carries the offsets of the
 * original characters it came from, so spans found in normalised text are reported in the source's
 * own characters. Pure: no Workers or Node APIs.
 *
 * What it folds: Unicode NFKC, case, diacritics (António = Antonio), curly/straight quotes and
 * apostrophes, dashes, every kind of whitespace and line break, hyphenated line breaks
 * ("negoti-\nations" = "negotiations"), invisible characters (soft hyphen, zero-width, bidi controls).
 * What it turns into a GAP (U+2026 "…", a word of its own): ellipses (`...`, `…`, `. . .`, `[…]`,
 * `[...]`, `(…)`) and bracketed editorial insertions (`[sic]`, `[the president]`). A gap means "words
 * may be missing or replaced here" and is never matched as text.
 */

/** The single character that stands for an elision or an editorial insertion. */
export const GAP = '\u2026';

export interface Normalised {
  /** Folded text. Runs of whitespace are one space; no leading or trailing space. */
  text: string;
  /** `map[i]`: offset in the original of the first character that produced `text[i]`; `map[text.length]` = original length. */
  map: number[];
  /** `mapEnd[i]`: offset just after the original characters that produced `text[i]`. */
  mapEnd: number[];
}

/** A word of the normalised text with its span in the original. */
export interface Token {
  /** Normalised word (or GAP). */
  norm: string;
  /** Original offsets [start, end). */
  start: number;
  end: number;
  /** True for the elision / insertion marker. */
  gap: boolean;
}

const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u2035\u0060\u00B4\u02BC\u02BB\uFF07]/;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036\u00AB\u00BB\u2039\u203A\u301D\u301E\uFF02]/;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/;
/** Characters that vanish: soft hyphen, zero-width, word joiner, BOM, bidi embedding/override/isolate controls. */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
const MARKS = /\p{M}/gu;
const SPACE = /\s/;

/**
 * Elisions and editorial insertions, found in the folded text. The bracketed forms come first so
 * `[…]` is one gap. Insertions are short (≤ 60 chars) and contain no line break, so a stray `[`
 * cannot swallow a paragraph; `[ ]` is not an insertion.
 */
const GAP_PATTERN =
  /\[\s?(?:\.(?:\s?\.){2,}|\u2026)\s?\]|\(\s?(?:\.(?:\s?\.){2,}|\u2026)\s?\)|\[(?=[^[\]]{1,60}\])\s?[^[\]\s][^[\]]*\]|\.(?:\s?\.){2,}|\u2026/g;

/** A hyphen at a line end between two letters (whitespace already collapsed): hyphen and break disappear. */
const HYPHEN_BREAK = /(?<=\p{L})-\n(?=\p{L})/gu;

/** Cheap pre-check for GAP_PATTERN / HYPHEN_BREAK. */
const MAYBE_SPECIAL = /\[|\u2026|\.\s?\.|-\n/;

const foldCache = new Map<string, string>();

/** Folds one code point (a string of 1 or 2 UTF-16 units). Folding a folded character changes nothing. */
function foldChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x80) {
    if (code >= 65 && code <= 90) return String.fromCharCode(code + 32);
    if (code === 0x60) return "'";
    if (code === 0x0d || code === 0x0b || code === 0x0c) return '\n';
    if (code === 0x09) return ' ';
    return ch;
  }
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  const folded = foldUncached(ch);
  if (foldCache.size < 50_000) foldCache.set(ch, folded);
  return folded;
}

function foldUncached(ch: string): string {
  const code = ch.charCodeAt(0);
  // Lone surrogates are not valid Unicode: they compare as nothing.
  if (code >= 0xd800 && code <= 0xdfff && ch.length === 1) return '';
  if (ch === GAP) return GAP;
  if (INVISIBLE.test(ch)) return '';
  if (SINGLE_QUOTES.test(ch)) return "'";
  if (DOUBLE_QUOTES.test(ch)) return '"';
  if (DASHES.test(ch)) return '-';
  if (LINE_BREAK.test(ch)) return '\n';
  if (SPACE.test(ch)) return ' ';
  const s = ch.normalize('NFKC').toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');
  if (s === ch) return s;
  // NFKC can yield characters that fold further (fullwidth quotes, NBSP inside a ligature…): fold to a fixed point.
  let out = '';
  for (const c of s) out += c === ch ? c : foldChar(c);
  return out;
}

interface Folded {
  chars: string[];
  start: number[];
  end: number[];
}

/** Appends one folded character, collapsing whitespace runs (to '\n' when the run held a line break) and runs of gaps. */
function append(f: Folded, c: string, start: number, end: number): void {
  const n = f.chars.length;
  const last = n ? f.chars[n - 1] : '';
  if (c === ' ' || c === '\n') {
    if (last === ' ' || last === '\n') {
      if (c === '\n') f.chars[n - 1] = '\n';
      return;
    }
  } else if (c === GAP) {
    // "… …" is one gap: drop the space between and widen the earlier gap.
    const prev = last === ' ' || last === '\n' ? n - 2 : n - 1;
    if (prev >= 0 && f.chars[prev] === GAP) {
      f.chars.length = prev + 1;
      f.start.length = prev + 1;
      f.end.length = prev + 1;
      f.end[prev] = Math.max(f.end[prev], end);
      return;
    }
  }
  f.chars.push(c);
  f.start.push(start);
  f.end.push(end);
}

/** One pass of gap and hyphen-break rewriting; returns null when the text has none. */
function rewrite(f: Folded, text: string): Folded | null {
  // Fast path: most paragraphs have no elision, insertion or hyphenated break at all.
  if (!MAYBE_SPECIAL.test(text)) return null;
  const special: { start: number; end: number; gap: boolean }[] = [];
  for (const m of text.matchAll(HYPHEN_BREAK)) special.push({ start: m.index!, end: m.index! + m[0].length, gap: false });
  for (const m of text.matchAll(GAP_PATTERN)) {
    // A lone gap already standing alone needs no rewriting.
    if (m[0] === GAP && (m.index === 0 || text[m.index! - 1] === ' ') && (m.index! + 1 === text.length || text[m.index! + 1] === ' ')) continue;
    special.push({ start: m.index!, end: m.index! + m[0].length, gap: true });
  }
  if (special.length === 0) return null;
  special.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Folded = { chars: [], start: [], end: [] };
  let si = 0;
  for (let i = 0; i < text.length; ) {
    while (si < special.length && special[si].start < i) si++;
    const sp = si < special.length && special[si].start === i ? special[si] : undefined;
    if (sp) {
      if (sp.gap) {
        const a = f.start[sp.start];
        const b = f.end[sp.end - 1];
        append(out, ' ', a, a);
        append(out, GAP, a, b);
        append(out, ' ', b, b);
      }
      i = sp.end;
      si++;
      continue;
    }
    append(out, f.chars[i], f.start[i], f.end[i]);
    i++;
  }
  return out;
}

/**
 * The one text fold: each code point folded as `normalise` folds it (case, diacritics, compatibility
 * forms, quote and dash variants; invisible characters dropped), without `normalise`'s gap and
 * line-break rewriting and without offsets. Claim search folds its terms, sites and language codes
 * with it, so a word folds the same in a lookup and in a claim search.
 */
export function foldText(text: string): string {
  let out = '';
  for (const ch of text) out += foldChar(ch);
  return out;
}

/** Normalises text for comparison, keeping a map back to original offsets. Idempotent on `text`. */
export function normalise(input: string): Normalised {
  const src = typeof input === 'string' ? input : String(input ?? '');

  // Stage 1: fold each code point, remembering the original span of every folded UTF-16 unit.
  let f: Folded = { chars: [], start: [], end: [] };
  const { chars, start, end } = f;
  for (let i = 0; i < src.length; ) {
    const code = src.charCodeAt(i);
    // Fast path: printable ASCII other than space needs no collapsing, just lower case.
    if (code > 0x20 && code < 0x7f && code !== 0x60) {
      chars.push(code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : src[i]);
      start.push(i);
      end.push(i + 1);
      i++;
      continue;
    }
    const len = code >= 0xd800 && code <= 0xdbff && i + 1 < src.length && (src.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    const folded = foldChar(len === 1 ? src[i] : src.slice(i, i + 2));
    for (let k = 0; k < folded.length; k++) append(f, folded[k], i, i + len);
    i += len;
  }

  // Stage 2: gaps and hyphenated line breaks, rewritten until none is left (a rewrite can reveal another).
  // `joined` is always f.chars joined (every element is one UTF-16 unit), built once per pass.
  let joined = f.chars.join('');
  for (let pass = 0; pass < 8; pass++) {
    const next = rewrite(f, joined);
    if (!next) break;
    f = next;
    joined = f.chars.join('');
  }

  // Stage 3: line breaks are spaces; no leading or trailing space.
  let a = 0;
  let b = f.chars.length;
  while (a < b && (f.chars[a] === ' ' || f.chars[a] === '\n')) a++;
  while (b > a && (f.chars[b - 1] === ' ' || f.chars[b - 1] === '\n')) b--;
  const text = joined.slice(a, b).replaceAll('\n', ' ');
  const map = f.start.slice(a, b);
  map.push(src.length);
  return { text, map, mapEnd: f.end.slice(a, b) };
}

const CJK_CLASS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}';
const LETTER = `(?:(?![${CJK_CLASS}])[\\p{L}\\p{N}])`;
const WORD = new RegExp(`[${CJK_CLASS}]|${LETTER}+(?:'${LETTER}+|(?<=\\p{N})[.,](?=\\p{N})\\p{N}+)*|\u2026`, 'gu');

/** Words of `input` with their original offsets. */
export function tokenize(input: string): Token[] {
  const src = typeof input === 'string' ? input : String(input ?? '');
  const folded = foldOneToOne(src);
  if (folded === null) return tokensOf(normalise(src));
  if (!MAYBE_SPECIAL.test(folded)) return tokensOfFolded(spaced(folded));
  // Elisions alone (dots, "…") are found in one pass on the folded text; insertions in brackets,
  // parenthesised elisions and hyphenated breaks can reveal more after a rewrite: the general path.
  if (NEEDS_REWRITING.test(folded)) return tokensOf(normalise(src));
  return tokensWithGaps(spaced(folded));
}

const spaced = (folded: string) => (folded.includes('\n') ? folded.replaceAll('\n', ' ') : folded);

/** What only `normalise`'s rewriting passes handle: `[`, `(` before an elision, a hyphen before a line break. */
const NEEDS_REWRITING = /\[|\(\s?[.\u2026]|-\n/;

/**
 * The fast path of `normalise` for the common paragraph (a lookup tokenizes a dozen): when every
 * character folds to exactly one character, no whitespace run collapses and nothing is trimmed, the
 * folded text has the original's offsets, character for character. Returns that text (line breaks
 * kept, as `normalise` sees them before its rewriting), or null for the general path.
 * `tokenize` gives the same words and offsets either way (tests/node/normalise.test.ts checks both paths).
 */
function foldOneToOne(src: string): string | null {
  const n = src.length;
  if (n === 0) return null;
  let changed = false;
  let previousSpace = true; // a space first is leading whitespace: trimmed, so not one-to-one
  for (let i = 0; i < n; i++) {
    const code = src.charCodeAt(i);
    if (code > 0x20 && code < 0x7f && code !== 0x60) {
      if (code >= 65 && code <= 90) changed = true;
      previousSpace = false;
      continue;
    }
    let c: string;
    if (code === 0x20) c = ' ';
    else {
      if (code >= 0xd800 && code <= 0xdfff) return null;
      c = foldChar(src[i]);
      if (c.length !== 1) return null;
      changed = true;
    }
    if (c === ' ' || c === '\n') {
      if (previousSpace) return null;
      previousSpace = true;
    } else previousSpace = false;
  }
  if (previousSpace) return null; // trailing whitespace
  return changed ? src.replace(NEEDS_FOLDING, (c) => (c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : foldChar(c))) : src;
}

/**
 * Words and gaps of a one-to-one folded text whose only specials are elisions: each elision is a gap
 * over the characters it covers (runs of gaps with nothing between are one), the words are read
 * around them — as `normalise` + `tokensOf` would give them.
 */
function tokensWithGaps(text: string): Token[] {
  const gaps: Token[] = [];
  let blanked = '';
  let from = 0;
  for (const m of text.matchAll(GAP_PATTERN)) {
    const start = m.index!;
    const end = start + m[0].length;
    gaps.push({ norm: GAP, start, end, gap: true });
    blanked += text.slice(from, start) + ' '.repeat(end - start);
    from = end;
  }
  blanked += text.slice(from);
  const words = tokensOfFolded(blanked);
  const out: Token[] = [];
  let w = 0;
  for (const g of gaps) {
    while (w < words.length && words[w].start < g.start) out.push(words[w++]);
    const prev = out[out.length - 1];
    if (prev?.gap) prev.end = Math.max(prev.end, g.end);
    else out.push(g);
  }
  while (w < words.length) out.push(words[w++]);
  return out;
}

/** Characters `foldOneToOne` replaces: ASCII capitals, the backtick, controls and everything beyond ASCII. */
const NEEDS_FOLDING = /[A-Z`\x00-\x1f\x7f-\uffff]/g;

/** Words of a folded text whose offsets are the original's (see `foldOneToOne`). */
function tokensOfFolded(text: string): Token[] {
  if (ASCII_ONLY.test(text)) return asciiTokens(text);
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const a = m.index!;
    const gap = word === GAP;
    tokens.push({ norm: word, start: a, end: a + word.length, gap });
  }
  return tokens;
}

/** Words of an already normalised text. */
export function tokensOf(n: Normalised): Token[] {
  const tokens: Token[] = [];
  for (const m of n.text.matchAll(WORD)) {
    const a = m.index!;
    const b = a + m[0].length;
    const word = m[0];
    const gap = word === GAP;
    const prev = tokens[tokens.length - 1];
    if (gap && prev?.gap) {
      prev.end = Math.max(prev.end, n.mapEnd[b - 1]);
      continue;
    }
    tokens.push({ norm: word, start: n.map[a], end: n.mapEnd[b - 1], gap });
  }
  return tokens;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const isAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * `WORD` for folded ASCII text, as a scan (no regex match objects): a run of letters and digits,
 * continued by `'` + letters/digits, or after a digit by `.`/`,` + digits. Same words as the regex
 * (the property test in tests/node/normalise.test.ts compares them).
 */
function asciiTokens(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isAlnum(text.charCodeAt(i))) i++;
    for (;;) {
      const c = i < n ? text.charCodeAt(i) : 0;
      if (c === 39 /* ' */ && i + 1 < n && isAlnum(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isAlnum(text.charCodeAt(i))) i++;
      } else if ((c === 46 || c === 44) /* . , */ && isDigit(text.charCodeAt(i - 1)) && i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      } else break;
    }
    tokens.push({ norm: text.slice(start, i), start, end: i, gap: false });
  }
  return tokens;
}

/** Convenience: the normalised words (gaps included) as one string, for comparing two texts. */
export function normaliseWords(input: string): string {
  return tokenize(input)
    .map((t) => t.norm)
    .join(' ');
}
