/**
 * Shared input checks for text that arrives over HTTP (lookups, claim search, publishing). Pure: no
 * Workers or Node APIs, so routes, the CLI and the tests use the same rules.
 *
 * Each check returns a human-readable reason (naming the character and where it is) or `null` when
 * the text is acceptable, so the caller can answer 400 with a detail a client can act on.
 */
import { z } from 'zod';

/** What a field may contain beyond ordinary printable text. */
export interface TextPolicy {
  /** Line breaks and tabs (`\n`, `\r`, `\t`): article bodies yes, single-line fields no. */
  allowLineBreaks?: boolean;
  /**
   * Bidi embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069). Rejected in queries (they
   * only disguise what is asked); accepted in published articles, which are stored and returned as
   * data and rendered inertly by the widget.
   */
  allowBidiControls?: boolean;
  /** Invisible zero-width characters (U+200B, U+2060–U+2064, U+FEFF, U+180E). Same split as above. */
  allowZeroWidth?: boolean;
}

export const QUERY_POLICY: TextPolicy = { allowLineBreaks: true, allowBidiControls: false, allowZeroWidth: false };
export const ARTICLE_TEXT_POLICY: TextPolicy = { allowLineBreaks: true, allowBidiControls: true, allowZeroWidth: true };
export const ARTICLE_FIELD_POLICY: TextPolicy = { allowLineBreaks: false, allowBidiControls: true, allowZeroWidth: true };

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

const BIDI_CONTROLS = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const ZERO_WIDTH = new Set([0x200b, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x180e]);
/** Joiners are invisible too, but Persian, Indic scripts and emoji sequences need them between two characters. */
const JOINERS = new Set([0x200c, 0x200d]);

const isLineBreak = (cp: number) => cp === 0x0a || cp === 0x0d || cp === 0x09;
/** C0 and C1 controls and DEL. */
const isControl = (cp: number) => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
/** Noncharacters (U+FDD0–U+FDEF, U+xxFFFE/F) never belong in interchanged text. */
const isNonCharacter = (cp: number) => (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
/** The whole character (one or two UTF-16 units) just before / after index `i`. */
const charBefore = (text: string, i: number) => {
  const unit = text.charCodeAt(i - 1);
  return unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text[i - 1];
};
const charAfter = (text: string, i: number) => {
  const cp = text.codePointAt(i + 1);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
};
// U+FE0F (emoji presentation) apart: in a class it reads as a combining mark on the class's last member.
const isWordChar = (s: string | undefined) => s !== undefined && (s === '\uFE0F' || /[\p{L}\p{M}\p{N}\p{Extended_Pictographic}]/u.test(s));

/**
 * Why `text` is not acceptable under `policy`, or `null` when it is. Walks code points once, so it is
 * linear in the length; callers bound the length first.
 */
export function textProblem(text: string, policy: TextPolicy = QUERY_POLICY): string | null {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Surrogates must come as a high+low pair; a lone one cannot be encoded as UTF-8 at all.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        const cp = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        if (isNonCharacter(cp)) return `contains the noncharacter ${hex(cp)} at position ${i}`;
        i++;
        continue;
      }
      return `contains a lone surrogate ${hex(unit)} at position ${i} (not valid Unicode text)`;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return `contains a lone surrogate ${hex(unit)} at position ${i} (not valid Unicode text)`;
    if (isLineBreak(unit)) {
      if (!policy.allowLineBreaks) return `contains a line break or tab (${hex(unit)}) at position ${i}; this field is a single line`;
      continue;
    }
    if (isControl(unit)) return `contains the control character ${hex(unit)} at position ${i}`;
    if (isNonCharacter(unit)) return `contains the noncharacter ${hex(unit)} at position ${i}`;
    if (BIDI_CONTROLS.has(unit) && !policy.allowBidiControls) {
      return `contains the bidirectional control ${hex(unit)} at position ${i}; it can make text display differently from what it says`;
    }
    if (ZERO_WIDTH.has(unit) && !policy.allowZeroWidth) {
      return `contains the invisible zero-width character ${hex(unit)} at position ${i}`;
    }
    if (JOINERS.has(unit) && !policy.allowZeroWidth && !(isWordChar(charBefore(text, i)) && isWordChar(charAfter(text, i)))) {
      return `contains a zero-width joiner ${hex(unit)} at position ${i} outside a word`;
    }
  }
  return null;
}

/** True when `text` is well-formed UTF-16 (no lone surrogates): what `TextEncoder` can encode losslessly. */
export const isWellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

export { MAX_ARTICLE_BODY_CHARS, MAX_ARTICLE_FIELD_CHARS, MAX_BATCH, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_QUERY_CHARS } from './limits';

/* ---------- zod building blocks (plain zod; @hono/zod-openapi schemas accept them) ---------- */

/** A string of at most `max` characters that passes `textProblem` under `policy`. */
export function safeText(max: number, policy: TextPolicy = QUERY_POLICY) {
  return z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .superRefine((value, ctx) => {
      const problem = textProblem(value, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** A zod `superRefine` callback adding `textProblem` as a validation issue (for schemas built elsewhere). */
export const rejectHostileText =
  (policy: TextPolicy = QUERY_POLICY) =>
  (value: string, ctx: { addIssue: (issue: { code: 'custom'; message: string }) => void }) => {
    const problem = textProblem(value, policy);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
