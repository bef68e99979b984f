/**
 * Misquote detection: the word-level edits from the source wording to the highlighted text, taken
 * from a match's alignment, each flagged when it changes meaning (negation added or removed, a
 * number or date changed, a quantifier changed). Pure.
 */
import { align, prepare, type Alignment } from './match';
import { tokenize, type Token } from './normalise';
import type { Difference, MeaningChange } from './types';

const NEGATORS = new Set([
  'not', 'no', 'never', 'nor', 'neither', 'none', 'nobody', 'nothing', 'nowhere', 'noone', 'cannot', 'without', 'nope',
  'ain\'t',
]);
/** "didn't", "can't", "won't", "dont" (apostrophe dropped, as people type it). */
const NEGATED_CONTRACTION = /n't$|^(?:dont|doesnt|didnt|cant|wont|isnt|arent|wasnt|werent|shouldnt|wouldnt|couldnt|havent|hasnt|hadnt|mustnt|neednt)$/;

export function isNegation(word: string): boolean {
  return NEGATORS.has(word) || NEGATED_CONTRACTION.test(word);
}

const NUMBER_WORDS = new Set(
  (
    'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen ' +
    'eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million ' +
    'millions billion billions trillion trillions dozen dozens first second third fourth fifth sixth seventh eighth ' +
    'ninth tenth once twice double triple half quarter percent ' +
    'january february march april may june july august september october november december ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday ' +
    'yesterday today tomorrow tonight'
  ).split(' '),
);

export function isNumberish(word: string): boolean {
  return /\p{N}/u.test(word) || NUMBER_WORDS.has(word);
}

const QUANTIFIERS = new Set(
  (
    'all every each any some many much most more less least fewer few several both either whole entire only ' +
    'always usually often sometimes rarely seldom occasionally everyone everybody everything somebody someone ' +
    'something majority minority nearly almost hardly barely mostly partly completely totally entirely fully ' +
    'largely'
  ).split(' '),
);

export function isQuantifier(word: string): boolean {
  return QUANTIFIERS.has(word);
}

/** Why replacing `source` words by `quoted` words changes meaning, if it does. */
export function meaningOf(source: string[], quoted: string[]): MeaningChange | undefined {
  const neg = (ws: string[]) => ws.filter(isNegation).length;
  if (neg(source) !== neg(quoted)) return 'negation';
  const nums = (ws: string[]) => ws.filter(isNumberish).join(' ');
  if (nums(source) !== nums(quoted)) return 'number';
  const qs = (ws: string[]) => ws.filter(isQuantifier).join(' ');
  if (qs(source) !== qs(quoted)) return 'quantifier';
  return undefined;
}

/**
 * Differences from an alignment: consecutive edits grouped into one insert / delete / replace, with
 * the text on each side in its original characters. Words skipped under a gap of the highlight
 * (an ellipsis) are elided, not misquoted, and are not listed; typos are listed as replacements.
 */
export function differencesOf(
  alignment: Alignment,
  source: Token[],
  sourceText: string,
  query: Token[],
  queryText: string,
): Difference[] {
  const out: Difference[] = [];
  let run: { s: number[]; q: number[] } | null = null;
  let lastSourceEnd = alignment.from < source.length ? source[alignment.from].start : sourceText.length;
  const flush = (nextSourceStart: number) => {
    if (!run) return;
    const sWords = run.s.map((k) => source[k]);
    const qWords = run.q.map((k) => query[k]);
    const kind = sWords.length === 0 ? 'insert' : qWords.length === 0 ? 'delete' : 'replace';
    const sourceStart = sWords.length ? sWords[0].start : nextSourceStart;
    const sourceEnd = sWords.length ? sWords[sWords.length - 1].end : nextSourceStart;
    const diff: Difference = {
      kind,
      source: sWords.length ? sourceText.slice(sourceStart, sourceEnd) : '',
      quoted: qWords.length ? queryText.slice(qWords[0].start, qWords[qWords.length - 1].end) : '',
      sourceStart,
      sourceEnd,
    };
    const meaning = meaningOf(
      sWords.map((t) => t.norm),
      qWords.map((t) => t.norm),
    );
    if (meaning) diff.meaning = meaning;
    out.push(diff);
    run = null;
  };
  for (const op of alignment.ops) {
    if (op.kind === 'match' || op.kind === 'skip') {
      const at = op.s !== undefined ? source[op.s].start : lastSourceEnd;
      flush(at);
      if (op.s !== undefined) lastSourceEnd = source[op.s].end;
      continue;
    }
    run ??= { s: [], q: [] };
    if (op.s !== undefined) run.s.push(op.s);
    if (op.q !== undefined) run.q.push(op.q);
  }
  flush(lastSourceEnd);
  return out;
}

/** True when any difference changes meaning. */
export const isAltered = (differences: Difference[]) => differences.some((d) => d.meaning !== undefined);

/**
 * Word-level differences between a source passage and a quotation of it, aligned as a lookup would
 * (the quotation anywhere inside the source). For tests, the CLI and callers with both texts at hand.
 */
export function diffWords(sourceText: string, quotedText: string): Difference[] {
  const source = tokenize(sourceText);
  const query = prepare(tokenize(quotedText));
  const [best] = align(query, source, 1);
  if (!best) return [];
  return differencesOf(best, source, sourceText, query.tokens, quotedText);
}

/**
 * A negation left out just before the highlight: the source says "No sympathy, …" and the highlight
 * starts at "sympathy". When the word right before the span, in the same clause, is a negator that
 * the selector's prefix does not show either, the highlight drops it: a `delete` that changes
 * meaning. (With the page's prefix ending in that negator, the reader just selected less.)
 */
export function droppedLeadingNegation(
  source: Token[],
  from: number,
  sourceText: string,
  prefix: Token[] | undefined,
): Difference | null {
  const before = source[from - 1];
  if (!before || before.gap || !isNegation(before.norm)) return null;
  const between = sourceText.slice(before.end, source[from].start);
  if (/[.!?;:]/.test(between)) return null;
  const lastPrefixWord = prefix?.filter((t) => !t.gap).at(-1);
  if (lastPrefixWord && lastPrefixWord.norm === before.norm) return null;
  return {
    kind: 'delete',
    source: sourceText.slice(before.start, before.end),
    quoted: '',
    sourceStart: before.start,
    sourceEnd: before.end,
    meaning: 'negation',
  };
}
