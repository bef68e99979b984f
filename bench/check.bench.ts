/**
 * `npm run bench check`: the quote check (POST /v1/check) on real data.
 *
 * Record: the seed, the 51 transcripts of the 2016 campaign as `primary`, the 84 PolNeAR dev
 * articles as reports (../shared/corpus). Drafts: each PolNeAR article checked as if it were a draft
 * about to be published at its own URL (so it is never its own source): the statuses of its
 * quotations. Speed: drafts of ≈ 1,000 words (consecutive paragraphs of the PolNeAR articles) checked
 * in-process (store/check over MemoryKV) and through `wrangler dev` (POST /v1/check, local KV). The
 * baseline, from the same run: one `POST /v1/lookup` per quotation of the same drafts (what a
 * client without the check endpoint would do).
 * Precision: every quotation the check calls `altered` or `misattributed`, labelled by hand in
 * LABELS below (right = the draft really changes the meaning of, or misattributes, the record's
 * words; wrong = it does not), with every error listed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CheckedQuotation } from '../worker/core/check';
import type { ArticleSource } from '../worker/core/types';
import { putArticle } from '../worker/store/records';
import { checkDraft } from '../worker/store/check';
import { namespaceIdFromWranglerToml } from '../scripts/local-kv';
import { corpusAvailable } from './corpus';
import { loadPolnear, loadSeed } from './corpus-loaders';
import { writeLocalKV } from './e2e.bench';
import { ingest, loadTranscripts } from './provenance.bench';
import { workerStamp } from './stamp';
import { buildWorkerSnapshot, fetchWithin, startWranglerDev, type DevServer } from './worker-server';

const TITLE = 'Quote check (POST /v1/check) on the 2016 transcripts and PolNeAR articles';
const PORT = Number(process.env.CHECK_BENCH_PORT ?? 8794);
const DRAFT_WORDS = 1000;
const DRAFTS = 20;

/**
 * Hand labels for every `altered` / `misattributed` quotation the check reports on this corpus,
 * keyed by `article file|first 50 characters of the quotation`. right: the draft's words really
 * change the meaning of (or misattribute) the record's; wrong: they do not (with why).
 */
const LABELS: Record<string, { right: boolean; note: string }> = {
  'huff-post_2016-09-27_hillary-clinton-goes-after-donal|Why won’t he release his tax returns? I think ther': {
    right: false,
    note: 'the article has `…," she said` (Clinton, in the first debate); extraction resolved "she" to Kenneth Baer, the man quoted two paragraphs before, and the page copy carries that attribution',
  },
  'huff-post_2016-09-27_hillary-clinton-goes-after-donal|First, maybe he’s not as rich as he says he is. Se': {
    right: false,
    note: 'the same quotation, continued: the same wrong pronoun resolution (Kenneth Baer)',
  },
  'huff-post_2016-09-27_hillary-clinton-goes-after-donal|Maybe he didn’t do a good job, and I wasn’t satisf': {
    right: false,
    note: 'the right source (Trump, first debate), but "was unsatisfied" → "wasn’t satisfied" keeps the meaning: the negation flag does not see the dropped "un-"',
  },
  'politico_2016-10-04_trump-not-walking-the-walk-on-hi|The kind of plan that Donald has put forth would b': {
    right: false,
    note: 'the article has `…," she said in the first debate` (Clinton); extraction resolved "she" to the Tax Policy Center named in an earlier paragraph',
  },
};

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const clip = (s: string, n = 110) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Drafts of about DRAFT_WORDS words: consecutive paragraphs of the articles, in file order. */
function thousandWordDrafts(articles: ArticleSource[]): ArticleSource[] {
  const out: ArticleSource[] = [];
  let paras: string[] = [];
  for (const a of articles) {
    for (const p of a.body.split(/\n\s*\n/)) {
      if (!p.trim()) continue;
      paras.push(p.trim());
      if (words(paras.join(' ')) >= DRAFT_WORDS) {
        out.push({ title: `Draft ${out.length + 1}`, body: paras.join('\n\n') });
        paras = [];
        if (out.length >= DRAFTS) return out;
      }
    }
  }
  return out;
}

const diffText = (q: CheckedQuotation) =>
  q.differences
    .map(
      (d) => (d.kind === 'delete' ? `-${d.source}` : d.kind === 'insert' ? `+${d.quoted}` : `-${d.source} +${d.quoted}`) + (d.meaning ? ` (${d.meaning})` : ''),
    )
    .join('; ');

export async function run() {
  if (!corpusAvailable()) return { title: TITLE, markdown: '_Skipped: the corpus is not present._', figures: { skipped: true } };
  const started = performance.now();
  const log = (m: string) => console.log(`  check: ${m} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const stamp = workerStamp();

  const transcripts = loadTranscripts().map((t) => t.source);
  const polnear = loadPolnear();
  // PolNeAR articles come without URLs: each gets a reserved one (.invalid), so that checking it as a
  // draft at its own URL never cites it as its own source.
  const urlOf = (file: string) => `https://polnear.invalid/${file.replace(/\.txt$/, '')}`;
  const reports: ArticleSource[] = polnear.map((d) => ({ ...d.source, kind: 'report', url: d.source.url || urlOf(d.file) }));
  const { kv } = await ingest('transcripts-first', transcripts, reports);
  for (const a of loadSeed().articles) await putArticle(kv, a);
  log(`record: ${transcripts.length} transcripts, ${reports.length} PolNeAR articles, seed; ${kv.data.size} keys`);

  /* --- statuses: every PolNeAR article as a draft --- */
  const rows: { file: string; q: CheckedQuotation }[] = [];
  for (const d of polnear) {
    const { quotations } = await checkDraft(kv, {
      title: d.source.title,
      body: d.source.body,
      url: d.source.url || urlOf(d.file),
      published: d.source.published,
    });
    for (const q of quotations) rows.push({ file: d.file.replace(/\.txt$/, ''), q });
  }
  const counts: Record<string, number> = {};
  for (const { q } of rows) counts[q.status] = (counts[q.status] ?? 0) + 1;
  const primaryCounts: Record<string, number> = {};
  for (const { q } of rows) if (q.original?.kind === 'primary') primaryCounts[q.status] = (primaryCounts[q.status] ?? 0) + 1;
  log(`${rows.length} quotations checked in ${polnear.length} drafts`);

  const flagged = rows.filter(({ q }) => q.status === 'altered' || q.status === 'misattributed');
  const keyOf = (r: { file: string; q: CheckedQuotation }) => `${r.file}|${r.q.text.slice(0, 50)}`;
  const labelled = flagged.filter((r) => LABELS[keyOf(r)]);
  const right = labelled.filter((r) => LABELS[keyOf(r)].right);
  const byStatus = (s: string) => {
    const l = labelled.filter((r) => r.q.status === s);
    return { labelled: l.length, right: l.filter((r) => LABELS[keyOf(r)].right).length, of: flagged.filter((r) => r.q.status === s).length };
  };
  const precision = { altered: byStatus('altered'), misattributed: byStatus('misattributed') };

  /* --- speed --- */
  const drafts = thousandWordDrafts(reports);
  const inProcess: number[] = [];
  const perQuotation: number[] = [];
  for (const d of drafts.slice(0, 3)) await checkDraft(kv, d); // warm up
  for (const d of drafts) {
    let best = Infinity;
    let n = 0;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      n = (await checkDraft(kv, d)).quotations.length;
      best = Math.min(best, performance.now() - t);
    }
    inProcess.push(best);
    perQuotation.push(n);
  }
  log(`in-process: ${drafts.length} drafts of ≈${DRAFT_WORDS} words, p50 ${ms(pct(inProcess, 50))}`);

  let http: { check: number[]; lookups: number[]; non200: number; error?: string } = { check: [], lookups: [], non200: 0 };
  // CHECK_BENCH_HTTP=0 skips the wrangler dev part (quick runs while labelling).
  const dir = process.env.CHECK_BENCH_HTTP === '0' ? null : await buildWorkerSnapshot('check-bench-');
  let server: DevServer | undefined;
  if (!dir) http.error = 'skipped (CHECK_BENCH_HTTP=0)';
  else
    try {
      const persistTo = join(dir, 'state');
      await writeLocalKV([...kv.data], new Map(), persistTo, await namespaceIdFromWranglerToml(dir));
      server = await startWranglerDev({ dir, port: PORT, persistTo, vars: { RATE_LIMIT: 'off' }, hardStop: Date.now() + 15 * 60_000 });
      const post = (path: string, body: unknown) =>
        fetchWithin(`${server!.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, 60_000);
      for (const d of drafts.slice(0, 3)) await post('/v1/check', { text: d.body });
      for (const d of drafts) {
        // A different title each time: the body is the cache key, so each request is a miss.
        const t = performance.now();
        const res = await post('/v1/check', { text: d.body, title: `${d.title} ${Math.random()}` });
        http.check.push(performance.now() - t);
        if (res.status !== 200) http.non200++;
        const { quotations } = (await res.json()) as { quotations: CheckedQuotation[] };
        // Baseline: one lookup per quotation, sequentially (a client without the check endpoint).
        const t2 = performance.now();
        for (const q of quotations) {
          const r = await post('/v1/lookup', { exact: q.text, limit: 1 });
          if (r.status !== 200) http.non200++;
        }
        http.lookups.push(performance.now() - t2);
      }
      log(`wrangler dev: p50 ${ms(pct(http.check, 50))}`);
    } catch (err) {
      http = { ...http, error: (err as Error).message.split('\n')[0] };
      log(`wrangler dev part failed: ${http.error}`);
    } finally {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }

  const statusRow = (c: Record<string, number>) => ['verbatim', 'changed', 'altered', 'misattributed', 'no-record'].map((s) => c[s] ?? 0).join(' | ');
  const examples = flagged
    .map((r) => {
      const label = LABELS[keyOf(r)];
      return `| ${r.q.status} (${r.q.score?.toFixed(2)}) | ${cell(r.file)} | ${cell(clip(r.q.text))} | ${cell(clip(r.q.original?.exact ?? ''))} (${cell(r.q.original?.speaker?.name ?? '?')}, ${r.q.original?.published.slice(0, 10)}) | ${cell(r.q.status === 'misattributed' ? `credited ${r.q.misattribution?.credited}, said by ${r.q.misattribution?.original}` : diffText(r.q))} | ${label ? `${label.right ? 'right' : '**wrong**'}: ${cell(label.note)}` : 'not labelled'} |`;
    })
    .join('\n');
  const errors = labelled.filter((r) => !LABELS[keyOf(r)].right);
  // Labels of quotations an earlier engine flagged and this one no longer does (each was an error fixed since).
  const flaggedKeys = new Set(flagged.map(keyOf));
  const cleared = Object.entries(LABELS).filter(([k]) => !flaggedKeys.has(k));

  const markdown = `_engine: ${stamp.text}._

Record: the seed, **${transcripts.length} transcripts** of the 2016 campaign as \`primary\`, **${reports.length} PolNeAR dev articles** as reports (MemoryKV, ${kv.data.size.toLocaleString('en')} keys). Drafts: each PolNeAR article checked as a draft to be published at its own URL (so never its own source).

### Quotations per status

| | quotations | verbatim | changed | altered | misattributed | no-record |
|---|---|---|---|---|---|---|
| all | ${rows.length} | ${statusRow(counts)} |
| original is a transcript | ${Object.values(primaryCounts).reduce((a, b) => a + b, 0)} | ${statusRow(primaryCounts)} |

Most quotations are \`verbatim\` against the **earliest report** that printed them (another PolNeAR article), and \`no-record\` when no other article or transcript holds them; the transcripts cover the candidates' debates and speeches only.

### Precision of altered and misattributed (labelled by hand)

Every quotation the check flagged: **${flagged.length}** (${precision.altered.of} altered, ${precision.misattributed.of} misattributed); labelled **${labelled.length}**. Precision: altered **${precision.altered.right}/${precision.altered.labelled}**, misattributed **${precision.misattributed.right}/${precision.misattributed.labelled}**. Errors: ${errors.length ? errors.map((r) => `${r.q.status} "${clip(r.q.text, 60)}" (${r.file}): ${LABELS[keyOf(r)].note}`).join('; ') : 'none'}.

${
  flagged.length
    ? `| status | draft | draft's words | original (speaker, date) | differences / attribution | label |
|---|---|---|---|---|---|
${examples}`
    : ''
}

Labelled when an earlier engine flagged them, no longer flagged (${cleared.length}, each ${cleared.every(([, l]) => !l.right) ? 'a wrong flag, fixed' : 'see its label'}): ${cleared.map(([k, l]) => `"${clip(k.split('|')[1], 60)}…" (${k.split('|')[0]}): ${l.right ? 'right' : 'wrong'} — ${l.note}`).join('; ') || 'none'}.

### Time per ≈ ${DRAFT_WORDS}-word draft

${drafts.length} drafts of consecutive PolNeAR paragraphs (${Math.min(...drafts.map((d) => words(d.body)))}–${Math.max(...drafts.map((d) => words(d.body)))} words, ${pct(perQuotation, 50)} quotations at the median, ${Math.max(...perQuotation)} at most).

| path | p50 | p90 | max | baseline: one POST /v1/lookup per quotation, p50 |
|---|---|---|---|---|
| in-process (store/check, MemoryKV; least of 3 runs) | ${ms(pct(inProcess, 50))} | ${ms(pct(inProcess, 90))} | ${ms(Math.max(...inProcess))} | – |
| through \`wrangler dev\` (POST /v1/check, local KV, cache misses) | ${http.check.length ? `${ms(pct(http.check, 50))} | ${ms(pct(http.check, 90))} | ${ms(Math.max(...http.check))} | ${ms(pct(http.lookups, 50))} (${(pct(http.lookups, 50) / pct(http.check, 50)).toFixed(1)}× the check)` : `not measured: ${http.error} | | | `} |
${http.non200 ? `\nNon-200 answers: ${http.non200}.` : ''}`;

  return {
    title: TITLE,
    markdown,
    figures: {
      quotations: rows.length,
      counts,
      primaryCounts,
      flagged: flagged.length,
      labelled: labelled.length,
      right: right.length,
      precision,
      inProcessMsP50: pct(inProcess, 50),
      httpMsP50: pct(http.check, 50),
      lookupsMsP50: pct(http.lookups, 50),
      httpError: http.error ?? null,
    },
  };
}
