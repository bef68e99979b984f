/**
 * Property-based tests (fast-check) of the pure pipeline in Node: input checks, normalisation,
 * matching/lookup and ingestion never throw unexpectedly and keep their invariants on any input —
 * lone surrogates, controls, bidi and zero-width characters, markup, huge words included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffWords } from '../../worker/core/diff';
import { parseSource } from '../../worker/core/extract/sources';
import { buildArticleRecords } from '../../worker/core/ingest';
import { normalise, normaliseWords, tokenize } from '../../worker/core/normalise';
import type { ArticleSource } from '../../worker/core/types';
import { ARTICLE_TEXT_POLICY, isWellFormed, QUERY_POLICY, textProblem } from '../../worker/core/validate';
import { deleteArticle, putArticle } from '../../worker/store/records';
import { keys } from '../../worker/store/keys';
import { MemoryKV } from '../../worker/store/kv';
import { lookup } from '../../worker/store/lookup';

/** Strings built from the characters that break things, mixed with ordinary words. */
const nasty = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '\ud800',
        '\udfff',
        '\u0000',
        '\u0007',
        '\u007f',
        '\u0085',
        '\u202e',
        '\u2066',
        '\u200b',
        '\u200d',
        '\ufeff',
        '\uffff',
        '\u00ad',
        '\u2028',
        '\n',
        '\r\n',
        '\t',
        ' ',
      ),
      fc.constantFrom(
        '…',
        '...',
        '[…]',
        '[sic]',
        '[the president]',
        '“',
        '”',
        '‘',
        '’',
        '"',
        "'",
        '—',
        '-\n',
        '<script>',
        '<img src=x onerror=alert(1)>',
        'javascript:',
        "n't",
        'not',
      ),
      fc.constantFrom(
        'Enough',
        'is',
        'enough',
        'leaders',
        'need',
        'to',
        'move',
        'peace',
        'António',
        'Guterres',
        'ﬁnal',
        'Ｆｕｌｌ',
        'İstanbul',
        'ß',
        '👨‍👩‍👧',
        'שלום',
        'مرحبا',
        '漢字',
      ),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(' '));

const anyString = fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }));

describe('input checks (core/validate)', () => {
  it('never throw; accepted query text is well-formed and free of controls, bidi and zero-width characters', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const problem = textProblem(s, QUERY_POLICY);
        if (problem === null) {
          expect(isWellFormed(s)).toBe(true);
          expect(s).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/);
        } else {
          expect(problem).toMatch(/U\+[0-9A-F]{4}/);
        }
        // Article bodies are more permissive, never less.
        if (problem === null) expect(textProblem(s, ARTICLE_TEXT_POLICY)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('accept ordinary printable text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abc XYZ 019.,;:!?\'"()-–—…“”áéíóúçñü\n'.split('')) }), (s) => {
        expect(textProblem(s)).toBeNull();
      }),
    );
  });
});

describe('normalisation', () => {
  it('never throws; offsets map back into the original, in order', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const n = normalise(s);
        expect(n.map.length).toBe(n.text.length + 1);
        for (let i = 0; i < n.text.length; i++) {
          expect(n.map[i]).toBeGreaterThanOrEqual(0);
          expect(n.mapEnd[i]).toBeLessThanOrEqual(s.length);
          expect(n.map[i]).toBeLessThanOrEqual(n.mapEnd[i]);
          if (i > 0) expect(n.map[i]).toBeGreaterThanOrEqual(n.map[i - 1]);
        }
        for (const t of tokenize(s)) {
          expect(t.start).toBeGreaterThanOrEqual(0);
          expect(t.end).toBeLessThanOrEqual(s.length);
          expect(t.start).toBeLessThan(t.end);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('is idempotent on the normalised words', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const once = normaliseWords(s);
        expect(normaliseWords(once)).toBe(once);
      }),
      { numRuns: 1500 },
    );
  });

  it('word diff never throws and only reports real differences, each well-formed and in place', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        // A text quoted exactly differs in nothing, whatever it holds.
        expect(diffWords(a, a)).toEqual([]);
        const diffs = diffWords(a, b);
        if (normaliseWords(a) === normaliseWords(b)) expect(diffs).toEqual([]);
        let previousEnd = 0;
        for (const d of diffs) {
          // In source order, never overlapping, inside the source.
          expect(d.sourceStart).toBeGreaterThanOrEqual(previousEnd);
          expect(d.sourceStart).toBeLessThanOrEqual(d.sourceEnd);
          expect(d.sourceEnd).toBeLessThanOrEqual(a.length);
          previousEnd = d.sourceEnd;
          // Each kind says what it holds: an insert is a point with no source words, a delete adds no words.
          if (d.kind === 'insert') expect([d.source, d.sourceEnd - d.sourceStart, d.quoted.length > 0]).toEqual(['', 0, true]);
          else expect(normaliseWords(a.slice(d.sourceStart, d.sourceEnd))).toContain(normaliseWords(d.source));
          if (d.kind === 'delete') expect(d.quoted).toBe('');
          else expect(normaliseWords(b)).toContain(normaliseWords(d.quoted));
        }
      }),
      { numRuns: 800 },
    );
  });
});

const SEED: ArticleSource = {
  id: 'fuzz-seed',
  title: 'Seed',
  body: [
    'Opening the session, Secretary-General of the United Nations António Guterres said: "Enough is enough. The fighting in Ukraine must stop now. Soldiers need to move back to their barracks. Leaders need to move back to peace."',
    '"We found some points by which we can predict common positions," Vladimir Medinsky told reporters after the meeting.',
  ].join('\n\n'),
};

describe('lookup (store/lookup over an in-memory KV)', () => {
  it('never throws on any selector; answers are within the limit, best first, the same when asked again; every match is in range and quotes the source verbatim', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, SEED);
    const selector = fc.record(
      { exact: anyString, prefix: fc.option(anyString, { nil: undefined }), suffix: fc.option(anyString, { nil: undefined }) },
      { requiredKeys: ['exact'] },
    );
    await fc.assert(
      fc.asyncProperty(selector, async (sel) => {
        const { matches } = await lookup(kv, sel, { limit: 3 });
        expect(matches.length).toBeLessThanOrEqual(3);
        expect(matches.map((m) => m.score)).toEqual(matches.map((m) => m.score).sort((x, y) => y - x));
        // A lookup only reads: asking again gives the same answer.
        expect((await lookup(kv, sel, { limit: 3 })).matches).toEqual(matches);
        for (const m of matches) {
          expect(m.score).toBeGreaterThanOrEqual(0);
          expect(m.score).toBeLessThanOrEqual(1);
          expect(m.quote.start).toBeGreaterThanOrEqual(0);
          expect(m.quote.end).toBeLessThanOrEqual(m.excerpt.text.length);
          expect(m.excerpt.text.slice(m.quote.start, m.quote.end)).toBe(m.quote.exact);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a sub-span of the seed with invisible characters, spaces or stray apostrophes spliced in is still found, word for word', async () => {
    const kv = new MemoryKV();
    await putArticle(kv, SEED);
    const words = 'Soldiers need to move back to their barracks. Leaders need to move back to peace.'.split(' ');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: words.length - 8 }), fc.constantFrom('\u200b', '\u00ad', '\u202e', ' ', '\n', '’'), async (from, insert) => {
        const exact = words.slice(from, from + 8).join(` ${insert}`);
        const { matches } = await lookup(kv, { exact });
        // Zero-width and bidi characters, soft hyphens, extra white space and a lone apostrophe change no word.
        expect(matches[0]?.excerpt.id).toBe('fuzz-seed~0');
        expect(matches[0].differences).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('ingestion', () => {
  it('parseSource never crashes: it returns a source or throws an Error naming the file', () => {
    const name = fc.constantFrom('a.json', 'b.claims.json', 'c.txt', 'd.html', 'e.htm', 'f.md', 'noext');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      anyString,
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ title: anyString, body: anyString, url: fc.option(anyString) }).map((v) => JSON.stringify(v)),
      anyString.map((t) => `<html><head><title>${t}</title></head><body><article><p>${t}</p><p>${t}</p></article></body></html>`),
    );
    fc.assert(
      fc.property(name, bytes, (fileName, content) => {
        try {
          const parsed = parseSource(fileName, content);
          expect(['article', 'claims']).toContain(parsed.kind);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toContain(fileName);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('built records list their excerpts in order, come out the same when built again, and keep quote offsets inside their excerpts, verbatim', async () => {
    const source = fc.record({
      title: anyString.filter((t) => t.trim().length > 0),
      body: fc
        .array(
          fc.oneof(
            anyString,
            nasty.map((t) => `"${t}," said Maria Okafor.`),
          ),
          { minLength: 1, maxLength: 6 },
        )
        .map((ps) => ps.join('\n\n')),
    });
    await fc.assert(
      fc.asyncProperty(source, async (src) => {
        let records;
        try {
          records = await buildArticleRecords(src);
        } catch (err) {
          expect((err as Error).message).toMatch(/no body text|no words/);
          return;
        }
        // The article lists exactly its excerpts, in order; none is empty.
        expect(records.article.excerptIds).toEqual(records.excerpts.map((e) => e.id));
        expect(records.excerpts.map((e) => e.position)).toEqual(records.excerpts.map((_, i) => i));
        for (const e of records.excerpts) expect(e.text.trim()).not.toBe('');
        // Building is deterministic: the same source gives the same records (so re-ingesting it writes nothing).
        expect(await buildArticleRecords(src, { now: records.article.updatedAt })).toEqual(records);
        for (const e of records.excerpts) {
          for (const q of e.quotes) {
            expect(q.start).toBeGreaterThanOrEqual(0);
            expect(q.end).toBeLessThanOrEqual(e.text.length);
            expect(e.text.slice(q.start, q.end)).toBe(q.text);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('publish then delete of any article leaves the store exactly as it was', async () => {
    const body = fc.array(fc.oneof(nasty, fc.lorem({ maxCount: 30 })), { minLength: 1, maxLength: 5 }).map((ps) => ps.join('\n\n'));
    await fc.assert(
      fc.asyncProperty(body, body, async (first, second) => {
        const kv = new MemoryKV();
        await putArticle(kv, SEED);
        // Everything but the ingestion sequence counter, which only ever counts up.
        const snapshot = () => JSON.stringify(kv.toBulk().filter((e) => e.key !== keys.sequence()));
        const before = snapshot();
        try {
          await putArticle(kv, { id: 'fuzz-a', title: 'A', body: first });
          await putArticle(kv, { id: 'fuzz-a', title: 'A', body: second });
        } catch (err) {
          expect((err as Error).message).toMatch(/no body text|no words/);
        }
        await deleteArticle(kv, 'fuzz-a');
        expect(snapshot()).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});
