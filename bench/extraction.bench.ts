/**
 * Extraction quality on real data (../shared/corpus, never copied into the project):
 * 1. Direct quotes and speakers on PolNeAR dev (84 news texts, BRAT Source/Cue/Content annotations).
 * 2. Article text extraction from 46 saved pages vs Readability's expected.html (token F1), and
 *    metadata (title, byline, published) vs expected-metadata.json.
 * Each beside a baseline measured in the same run: a naive extractor (every double-quoted span,
 * speaker = nearest preceding capitalised name) and the page's whole <body> text.
 * Rules (also in docs/ingest.md):
 * - Gold direct quote: an annotated Content fragment whose trimmed text starts and ends with a
 *   double quotation mark (marks stripped). Articles annotated by several annotators: the
 *   annotation file with the most Content spans is used (ties: first by name), chosen before looking
 *   at any prediction.
 * - Span match: character intersection / union ≥ 0.5 between predicted and gold quote spans, one to
 *   one (greedy by overlap). Recall = matched gold / gold; precision = matched predicted / predicted.
 *   "Lenient" precision additionally ignores predictions lying inside an annotated Content span
 *   that is not itself a gold direct quote (partial quotations inside annotated indirect speech,
 *   which the scheme does not annotate separately); strict precision counts them as errors.
 * - Speaker accuracy over matched gold quotes with an annotated Source: the name tokens (capitalised
 *   words, honorifics dropped) of predicted and gold speaker, one a subset of the other. A pronoun
 *   Source ("he", "she", "who", …) stands for the nearest preceding annotated Source that names
 *   someone (the scheme has no coreference links; this approximates them). Unnamed sources ("a
 *   source", "officials") match when the head noun agrees. No predicted speaker = wrong.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { extractHtml } from '../worker/core/extract/html';
import { extractQuotes } from '../worker/core/extract/quotes';
import { CORPUS_DIR, corpusAvailable } from './corpus';

/* ---------------- PolNeAR ---------------- */

export interface Span {
  start: number;
  end: number;
}
export interface GoldQuote extends Span {
  source?: string;
  /** Source resolved through pronouns to a named source. */
  sourceResolved?: string;
}
export interface GoldDoc {
  name: string;
  text: string;
  direct: GoldQuote[];
  /** All Content fragments (UTF-16 offsets), for lenient precision. */
  contents: Span[];
}

/** Code-point offsets (BRAT) → UTF-16 offsets (JS strings). */
function codePointToUtf16(text: string): (cp: number) => number {
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return (cp) => map[Math.min(cp, map.length - 1)];
}

const OPEN = /^["“„«]/u;
const CLOSE = /["”»][.,!?;:]*$/u;
const PRONOUN_SOURCE = /^(?:he|she|they|i|we|it|who|which|that|his|her|their|him|them|you)$/i;

function parseAnn(ann: string, text: string): { direct: GoldQuote[]; contents: Span[]; count: number } {
  const toU = codePointToUtf16(text);
  const spans = new Map<string, { type: string; frags: Span[]; text: string }>();
  const relations: Record<string, string>[] = [];
  for (const line of ann.split('\n')) {
    const parts = line.split('\t');
    if (/^T\d+$/.test(parts[0]) && parts.length >= 3) {
      const [type, ...rest] = parts[1].split(' ');
      const frags = rest
        .join(' ')
        .split(';')
        .map((f) => {
          const [s, e] = f.trim().split(/\s+/).map(Number);
          return { start: toU(s), end: toU(e) };
        });
      spans.set(parts[0], { type, frags, text: parts[2] });
    } else if (/^E\d+$/.test(parts[0]) && parts[1]) {
      relations.push(
        Object.fromEntries(
          parts[1]
            .trim()
            .split(/\s+/)
            .map((kv) => kv.split(':') as [string, string]),
        ),
      );
    }
  }
  const sourceOf = new Map<string, string>();
  for (const r of relations) if (r.Content && r.Source) sourceOf.set(r.Content, r.Source);
  // Named sources in text order, to stand in for pronoun sources.
  const named = [...spans.values()]
    .filter((s) => s.type === 'Source' && /\p{Lu}/u.test(s.text) && !PRONOUN_SOURCE.test(s.text.trim()))
    .map((s) => ({ at: s.frags[0].start, text: s.text }))
    .sort((a, b) => a.at - b.at);
  const direct: GoldQuote[] = [];
  const contents: Span[] = [];
  for (const [id, s] of spans) {
    if (s.type !== 'Content') continue;
    contents.push(...s.frags);
    const whole = text.slice(s.frags[0].start, s.frags[s.frags.length - 1].end).trim();
    if (!OPEN.test(whole) || !CLOSE.test(whole)) continue;
    const src = sourceOf.get(id) ? spans.get(sourceOf.get(id)!) : undefined;
    // Fragments of one Content with no quotation mark between them are one quotation (annotators split
    // some long quotes sentence by sentence); fragments separated by a framing attribution stay apart.
    const merged: Span[] = [];
    for (const f of s.frags) {
      const prev = merged[merged.length - 1];
      const joined =
        prev &&
        !/["“”„«»]/u.test(text.slice(prev.end, f.start)) &&
        !/["”»][.,!?;:]*\s*$/u.test(text.slice(prev.start, prev.end)) &&
        !/^\s*["“„«]/u.test(text.slice(f.start, f.end));
      if (joined) prev.end = f.end;
      else merged.push({ ...f });
    }
    for (const f of merged) {
      let { start, end } = f;
      while (start < end && /[\s"“„«]/u.test(text[start])) start++;
      while (end > start && /[\s"”».,!?;:]/u.test(text[end - 1]) && !/[.!?]/.test(text[end - 1] === '"' ? '' : 'x')) end--;
      // keep sentence punctuation inside the span as the extractor does; strip only marks, spaces, commas
      end = f.end;
      while (end > start && /[\s"”»,]/u.test(text[end - 1])) end--;
      if (end - start < 2) continue;
      let resolved = src?.text;
      if (src && PRONOUN_SOURCE.test(src.text.trim())) {
        resolved = [...named].reverse().find((n) => n.at < src.frags[0].start)?.text ?? src.text;
      }
      direct.push({ start, end, source: src?.text, sourceResolved: resolved });
    }
  }
  return { direct, contents, count: [...spans.values()].filter((s) => s.type === 'Content').length };
}

/** PolNeAR dev with its gold direct quotes (also read by the provenance bench). */
export async function loadPolnear(): Promise<GoldDoc[]> {
  const dir = join(CORPUS_DIR, 'quotes/polnear/dev');
  const anns = (await readdir(join(dir, 'attributions'))).filter((f) => f.endsWith('.ann')).sort();
  const byArticle = new Map<string, string[]>();
  for (const f of anns) {
    const article = f.replace(/_[0-9a-f]{4}\.ann$/, '');
    byArticle.set(article, [...(byArticle.get(article) ?? []), f]);
  }
  const docs: GoldDoc[] = [];
  for (const [article, files] of byArticle) {
    const text = await readFile(join(dir, 'text', `${article}.txt`), 'utf8');
    let best: ReturnType<typeof parseAnn> | undefined;
    for (const f of files) {
      const parsed = parseAnn(await readFile(join(dir, 'attributions', f), 'utf8'), text);
      if (!best || parsed.count > best.count) best = parsed;
    }
    docs.push({ name: article, text, direct: best!.direct, contents: best!.contents });
  }
  return docs;
}

interface Predicted extends Span {
  speaker?: string;
}

/** PolNeAR texts put one paragraph per line (some sites add blank lines between): each line is a paragraph. */
function paragraphsWithOffsets(text: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  for (const m of text.matchAll(/[^\n]+/g)) {
    const lead = m[0].length - m[0].trimStart().length;
    const body = m[0].trim();
    if (body) out.push({ text: body, offset: m.index! + lead });
  }
  return out;
}

function predictOurs(text: string, withPartial = false): Predicted[] {
  const paras = paragraphsWithOffsets(text);
  // A quotation running over several paragraphs is one prediction (its parts share a group).
  const byGroup = new Map<number, Predicted>();
  for (const q of extractQuotes(paras.map((p) => p.text))) {
    if (q.kind !== 'direct' || (q.partial && !withPartial)) continue;
    const start = paras[q.paragraph].offset + q.start;
    const end = paras[q.paragraph].offset + q.end;
    const seen = byGroup.get(q.group);
    if (seen) seen.end = Math.max(seen.end, end);
    else byGroup.set(q.group, { start, end, speaker: q.speaker?.name });
  }
  return [...byGroup.values()];
}

/** Baseline: every double-quoted span in a paragraph; speaker = nearest capitalised two-word name before it. */
function predictNaive(text: string): Predicted[] {
  const out: Predicted[] = [];
  for (const p of paragraphsWithOffsets(text)) {
    for (const m of p.text.matchAll(/["“]([^"“”]+)["”]/gu)) {
      const before = p.text.slice(0, m.index);
      const names = [...before.matchAll(/\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)+/gu)];
      out.push({ start: p.offset + m.index! + 1, end: p.offset + m.index! + 1 + m[1].length, speaker: names.at(-1)?.[0] });
    }
  }
  return out;
}

const overlap = (a: Span, b: Span) => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
const iou = (a: Span, b: Span) => overlap(a, b) / (Math.max(a.end, b.end) - Math.min(a.start, b.start));

const HONORIFIC = /^(?:mr|mrs|ms|dr|sen|rep|gov|gen|president|the|a|an)$/;
const nameTokens = (s: string) =>
  (s.match(/\p{Lu}[\p{L}\p{M}'’-]+/gu) ?? []).map((t) => t.toLowerCase().replace(/['’]s$/, '')).filter((t) => !HONORIFIC.test(t));

export function speakerMatches(predicted: string | undefined, gold: GoldQuote): boolean {
  if (!predicted || !gold.source) return false;
  // Annotated Source spans include appositives ("Flynn, a top Trump surrogate,"): the name is the part before them.
  const goldText = (gold.sourceResolved ?? gold.source).split(/,|\s(?:who|whose|which)\s/)[0];
  const g = nameTokens(goldText);
  const p = nameTokens(predicted);
  if (g.length && p.length) return g.every((t) => p.includes(t)) || p.every((t) => g.includes(t));
  if (!g.length) {
    const head = (s: string) =>
      s
        .toLowerCase()
        .replace(/[^\p{L}\s]/gu, '')
        .trim()
        .split(/\s+/)
        .pop();
    return head(predicted) === head(goldText);
  }
  return false;
}

interface QuoteScores {
  gold: number;
  predicted: number;
  matched: number;
  insideOtherContent: number;
  recall: number;
  precisionStrict: number;
  precisionLenient: number;
  withSource: number;
  speakerCorrect: number;
  speakerAccuracy: number;
}

function scoreQuotes(docs: GoldDoc[], predict: (text: string) => Predicted[], debug = false): QuoteScores {
  let gold = 0,
    predicted = 0,
    matched = 0,
    inside = 0,
    withSource = 0,
    speakerCorrect = 0;
  for (const doc of docs) {
    const preds = predict(doc.text);
    gold += doc.direct.length;
    predicted += preds.length;
    const pairs: { g: number; p: number; s: number }[] = [];
    doc.direct.forEach((g, gi) => {
      preds.forEach((p, pi) => {
        const s = iou(g, p);
        if (s >= 0.5) pairs.push({ g: gi, p: pi, s });
      });
    });
    pairs.sort((a, b) => b.s - a.s);
    const usedG = new Set<number>(),
      usedP = new Set<number>();
    for (const pair of pairs) {
      if (usedG.has(pair.g) || usedP.has(pair.p)) continue;
      usedG.add(pair.g);
      usedP.add(pair.p);
      matched++;
      const g = doc.direct[pair.g];
      if (g.source) {
        withSource++;
        if (speakerMatches(preds[pair.p].speaker, g)) speakerCorrect++;
        else if (debug && process.env.QS_DEBUG_SPEAKERS)
          console.error(
            `SPK ${doc.name.slice(0, 30)} | gold=${g.source} -> ${g.sourceResolved} | pred=${preds[pair.p].speaker} | ${JSON.stringify(doc.text.slice(Math.max(0, g.start - 150), g.end + 100))}`,
          );
      }
    }
    if (debug && process.env.QS_DEBUG_SPANS) {
      doc.direct.forEach((g, gi) => {
        if (!usedG.has(gi)) console.error(`MISS ${doc.name.slice(0, 30)} | ${JSON.stringify(doc.text.slice(g.start - 20, g.end + 20))}`);
      });
    }
    preds.forEach((p, pi) => {
      if (usedP.has(pi)) return;
      if (debug && process.env.QS_DEBUG_SPANS) {
        const inContent = doc.contents.some((c) => overlap(c, p) >= (p.end - p.start) * 0.9) && !doc.direct.some((g) => overlap(g, p) > 0);
        console.error(`${inContent ? 'INSIDE' : 'FALSE'} ${doc.name.slice(0, 30)} | ${JSON.stringify(doc.text.slice(p.start - 20, p.end + 20))}`);
      }
      if (doc.contents.some((c) => overlap(c, p) >= (p.end - p.start) * 0.9) && !doc.direct.some((g) => overlap(g, p) > 0)) inside++;
    });
  }
  return {
    gold,
    predicted,
    matched,
    insideOtherContent: inside,
    recall: matched / gold,
    precisionStrict: matched / predicted,
    precisionLenient: matched / (predicted - inside),
    withSource,
    speakerCorrect,
    speakerAccuracy: speakerCorrect / withSource,
  };
}

/* ---------------- pages ---------------- */

const tokens = (s: string) => s.toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}]+/gu) ?? [];

export function tokenF1(predicted: string, expected: string): number {
  const a = tokens(predicted);
  const b = tokens(expected);
  if (!a.length && !b.length) return 1;
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  let tp = 0;
  for (const t of a) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      tp++;
      counts.set(t, c - 1);
    }
  }
  if (!tp) return 0;
  const p = tp / a.length;
  const r = tp / b.length;
  return (2 * p * r) / (p + r);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f = (x: number) => x.toFixed(3);

const normTitle = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
const sameDay = (a: string, b: string) => !!a && !!b && a.slice(0, 10) === b.slice(0, 10);

async function scorePages() {
  const dir = join(CORPUS_DIR, 'pages');
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const rows: { name: string; f1: number; baseline: number; title: boolean; byline: boolean | null; published: boolean | null; ms: number; error?: string }[] =
    [];
  for (const name of names) {
    const source = await readFile(join(dir, name, 'source.html'));
    const expectedDoc = parseHTML(await readFile(join(dir, name, 'expected.html'), 'utf8')).document;
    const expected = expectedDoc.documentElement?.textContent ?? '';
    const meta = JSON.parse(await readFile(join(dir, name, 'expected-metadata.json'), 'utf8')) as {
      title?: string;
      byline?: string | null;
      publishedTime?: string | null;
    };
    const bodyText = parseHTML(new TextDecoder().decode(source)).document.body?.textContent ?? '';
    const started = performance.now();
    let got = '';
    let title = '',
      author = '',
      published = '';
    let error: string | undefined;
    try {
      const r = extractHtml(source);
      got = r.paragraphs.join('\n');
      ({ title, author = '', published = '' } = r.source);
    } catch (e) {
      error = (e as Error).message;
    }
    rows.push({
      name,
      f1: tokenF1(got, expected),
      baseline: tokenF1(bodyText, expected),
      title: normTitle(title) === normTitle(meta.title ?? ''),
      byline: meta.byline
        ? normTitle(author).includes(normTitle(meta.byline).replace(/^by\s+/, '')) || normTitle(meta.byline).includes(normTitle(author) || '\u0000')
        : null,
      published: meta.publishedTime ? sameDay(published, meta.publishedTime) : null,
      ms: performance.now() - started,
      error,
    });
  }
  return rows;
}

export async function run() {
  if (!corpusAvailable()) {
    return { title: 'Extraction quality', markdown: `Skipped: corpus not found at ${CORPUS_DIR}.`, figures: { skipped: true } };
  }
  const docs = await loadPolnear();
  const ours = scoreQuotes(docs, (t) => predictOurs(t), true);
  const oursWithPartial = scoreQuotes(docs, (t) => predictOurs(t, true));
  const naive = scoreQuotes(docs, predictNaive);
  const pages = await scorePages();
  const f1s = pages.map((r) => r.f1);
  const base = pages.map((r) => r.baseline);
  const withByline = pages.filter((r) => r.byline !== null);
  const withDate = pages.filter((r) => r.published !== null);
  const figures = {
    polnear: { articles: docs.length, ours, oursWithPartial, naive },
    pages: {
      count: pages.length,
      f1Median: median(f1s),
      f1Mean: mean(f1s),
      baselineMedian: median(base),
      baselineMean: mean(base),
      failures: pages.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`),
      titleAgreement: pages.filter((r) => r.title).length / pages.length,
      bylineAgreement: withByline.filter((r) => r.byline).length / withByline.length,
      publishedAgreement: withDate.filter((r) => r.published).length / withDate.length,
      worst: [...pages]
        .sort((a, b) => a.f1 - b.f1)
        .slice(0, 6)
        .map((r) => `${r.name} ${f(r.f1)}`),
      msMedian: median(pages.map((r) => r.ms)),
    },
  };
  const q = (s: QuoteScores) =>
    `${f(s.recall)} | ${f(s.precisionLenient)} | ${f(s.precisionStrict)} | ${f(s.speakerAccuracy)} (${s.speakerCorrect}/${s.withSource}) | ${s.matched}/${s.gold} gold, ${s.predicted} predicted`;
  const markdown = `
### Direct quotes and speakers — PolNeAR dev (${docs.length} articles, ${ours.gold} gold direct quotes)

Targets: recall ≥ 0.90, precision ≥ 0.90, speaker accuracy ≥ 0.80. Span match: intersection/union ≥ 0.5, one to one.
Lenient precision ignores predictions inside an annotated non-direct Content span (${ours.insideOtherContent} here); strict counts them as errors.

| extractor | recall | precision (lenient) | precision (strict) | speaker accuracy | counts |
|---|---|---|---|---|---|
| QuoteSource (worker/core/extract), full quotations | ${q(ours)} |
| QuoteSource, full + partial quotations (\`partial: true\` fragments too) | ${q(oursWithPartial)} |
| baseline: every "…" span, nearest preceding name | ${q(naive)} |

### Article text — ${pages.length} saved pages vs Readability's expected.html (token F1)

| extractor | median F1 | mean F1 |
|---|---|---|
| QuoteSource (Readability over linkedom, paragraphs from the extracted DOM) | ${f(figures.pages.f1Median)} | ${f(figures.pages.f1Mean)} |
| baseline: whole \`<body>\` text | ${f(figures.pages.baselineMedian)} | ${f(figures.pages.baselineMean)} |

Lowest: ${figures.pages.worst.join(', ')}. Pages that failed to extract: ${figures.pages.failures.length ? figures.pages.failures.join('; ') : 'none'}.
Median extraction time per page: ${figures.pages.msMedian.toFixed(0)} ms.

Metadata agreement with expected-metadata.json: title ${f(figures.pages.titleAgreement)} (exact after whitespace/case folding, ${pages.length} pages),
byline ${f(figures.pages.bylineAgreement)} (containment, ${withByline.length} pages with a byline),
published date ${f(figures.pages.publishedAgreement)} (same day, ${withDate.length} pages with a date).
`;
  return { title: 'Extraction quality', markdown, figures };
}
