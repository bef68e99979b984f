/**
 * The engine on real third-party data (../shared/corpus, read at run time, never copied): PolNeAR
 * articles through the real ingestion path, their annotated quotations looked up with reader-style
 * edits. Skips when the corpus folder is absent.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { corpusAvailable } from '../../bench/corpus';
import { loadPolnear, polnearQuotations, type PolnearDoc } from '../../bench/corpus-loaders';
import { normaliseWords } from '../../worker/core/normalise';
import { putArticle } from '../../worker/store/records';
import { MemoryKV } from '../../worker/store/kv';
import { lookup } from '../../worker/store/lookup';

const available = corpusAvailable();
if (!available) console.warn('engine-corpus tests skipped: ../shared/corpus is not present');

describe.skipIf(!available)('PolNeAR quotations (real corpus)', () => {
  let kv: MemoryKV;
  let docs: PolnearDoc[];
  beforeAll(async () => {
    kv = new MemoryKV();
    docs = loadPolnear().slice(0, 25);
    for (const d of docs) await putArticle(kv, d.source);
  });

  const quotations = () => docs.flatMap((d) => polnearQuotations(d, 8).map((q) => ({ ...q, doc: d }))).slice(0, 60);

  test('each quotation is found, in its own words, with curly quotes and a line break', async () => {
    let found = 0;
    const qs = quotations();
    for (const q of qs) {
      const exact = `“${q.text.replace(' ', '\n')}”`;
      const { matches, stats } = await lookup(kv, { exact });
      expect(stats.roundTrips).toBeLessThanOrEqual(2);
      const m = matches[0];
      if (m && normaliseWords(m.quote.exact) === normaliseWords(q.text).replace(/ …$/, '')) found++;
    }
    expect(found / qs.length).toBeGreaterThanOrEqual(0.95);
  });

  test('a negation inserted into a quotation is flagged', async () => {
    const qs = quotations().filter((q) => /\b(is|was|are|were|will|would|can|should)\b/.test(q.text) && !/\bnot\b|n[’']t\b/.test(q.text));
    expect(qs.length).toBeGreaterThan(5);
    for (const q of qs) {
      const exact = q.text.replace(/\b(is|was|are|were|will|would|can|should)\b/, (aux) => `${aux} not`);
      const { matches } = await lookup(kv, { exact });
      expect(matches[0]?.altered, exact).toBe(true);
      expect(
        matches[0].differences.some((d) => d.kind === 'insert' && d.quoted === 'not' && d.meaning === 'negation'),
        JSON.stringify(matches[0].differences),
      ).toBe(true);
    }
  });
});
