/**
 * Bounded extraction: however a page's markup is shaped, extraction does a bounded amount of work —
 * nesting past MAX_NESTING_DEPTH is flattened (text kept, paragraph breaks kept), pages with more than
 * MAX_ELEMENTS elements are refused with a message naming the limit, and real pages pass through
 * unchanged. Sentences are made up. (Times are measured in `npm run bench extraction`, not here.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from '../../bench/corpus';
import { boundMarkup, MarkupBoundsError, MAX_ELEMENTS, MAX_NESTING_DEPTH } from '../../worker/core/extract/bounds';
import { extractHtml, extractHtmlSliced, READABILITY_MAX_DEPTH_SUM, READABILITY_MAX_ELEMENTS, readabilityFits } from '../../worker/core/extract/html';

const FERRY = 'The harbour council met on Tuesday to discuss the new ferry timetable for the spring season.';
const FARES = 'Boats will leave every half hour from April, and fares stay the same, the chair said.';
const nested = (depth: number, open = '<div>', close = '</div>') =>
  `<html><body>${open.repeat(depth)}<p>${FERRY}</p><p>${FARES}</p>${close.repeat(depth)}</body></html>`;
/** Text content with tags removed, whitespace collapsed. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('boundMarkup', () => {
  test('1,500 nested <div>s: capped at the limit, every word kept', () => {
    const page = nested(1500);
    const bounded = boundMarkup(page);
    expect(bounded.depth).toBeGreaterThan(1500);
    expect(bounded.dropped).toBeGreaterThan(1500 - MAX_NESTING_DEPTH);
    expect(boundMarkup(bounded.html).depth).toBeLessThanOrEqual(MAX_NESTING_DEPTH);
    expect(textOf(bounded.html)).toBe(textOf(page));
  });

  test('self-closing syntax does not hide depth (<div/> opens a div in HTML)', () => {
    const bounded = boundMarkup(`<html><body>${'<div/>'.repeat(500)}<p>${FERRY}</p></body></html>`);
    expect(bounded.depth).toBeGreaterThan(500);
    expect(boundMarkup(bounded.html).depth).toBeLessThanOrEqual(MAX_NESTING_DEPTH);
  });

  test('unclosed <p>, <li> and table cells close themselves, as the HTML parser closes them: nothing is flattened', () => {
    const page = `<html><body>${`<p>${FERRY}`.repeat(2000)}<ul>${'<li>item'.repeat(1000)}</ul><table>${'<tr><td>a<td>b'.repeat(500)}</table></body></html>`;
    const bounded = boundMarkup(page);
    expect(bounded.dropped).toBe(0);
    expect(bounded.html).toBe(page);
    expect(bounded.depth).toBeLessThan(10);
  });

  test('void elements and closed inline markup do not nest', () => {
    const page = `<html><body><p>${'<br><img src=x><b>bold</b><input>'.repeat(3000)}</p></body></html>`;
    expect(boundMarkup(page).depth).toBeLessThan(6);
  });

  test(`more than ${MAX_ELEMENTS.toLocaleString('en')} elements is refused, naming the limit (checked as they are counted)`, () => {
    for (const page of [
      `<p>${FERRY}</p>${'<b>'.repeat(330_000)}x`,
      `<table>${'<tr><td>x</td></tr>'.repeat(40_000)}</table>`,
      `<p>${'<i></i>'.repeat(140_000)}</p>`,
    ]) {
      expect(() => boundMarkup(page)).toThrow(MarkupBoundsError);
      expect(() => boundMarkup(page)).toThrow(/more than 30,000 elements/);
    }
  });

  test('attributes with ">" in quotes and comments are copied verbatim', () => {
    const page = `<html><body><!-- <div><div> --><p title="a > b" data-x='<div>'>${FERRY}</p></body></html>`;
    const bounded = boundMarkup(page);
    expect(bounded.html).toBe(page);
    expect(bounded.depth).toBe(3);
  });
});

describe('extractHtml within bounds', () => {
  test('a page of 1,500 nested <div>s is extracted, paragraph by paragraph', () => {
    expect(extractHtml(nested(1500)).paragraphs).toEqual([FERRY, FARES]);
    expect(extractHtml(nested(2000, '<section><div>', '</div></section>')).paragraphs).toEqual([FERRY, FARES]);
  });

  test('2,000 unclosed <b> elements deep: the words are extracted', () => {
    const page = `<html><body><p>${'<b>'.repeat(2000)}${FERRY} ${FARES}</p></body></html>`;
    expect(extractHtml(page).paragraphs.join(' ')).toContain(FARES);
  });

  test(`a page past Readability's ${READABILITY_MAX_ELEMENTS.toLocaleString('en')} elements gets the block walk: every paragraph, no navigation`, () => {
    const paragraphs = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i}: ${FERRY}`);
    const page = `<html><head><title>Ferry timetable</title></head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>${paragraphs.map((p) => `<p><span>${p}</span></p>`).join('')}</article><footer>Site footer text that is not the article.</footer></body></html>`;
    const got = extractHtml(page);
    expect(got.source.title).toBe('Ferry timetable');
    expect(got.paragraphs).toEqual(paragraphs);
  });

  test(`a page within the element cap whose subtrees hold more than ${READABILITY_MAX_DEPTH_SUM.toLocaleString('en')} elements in all gets the block walk, with every paragraph`, () => {
    // 3,400 sibling <div>s 40 levels deep: 3,440 elements, but a depth sum of ~147,000 (Readability: ~1.4 s).
    const page = `<html><body>${'<div>'.repeat(40)}${Array.from({ length: 3400 }, (_, i) => `<div>${i}: ${FERRY}</div>`).join('')}</body></html>`;
    const bounded = boundMarkup(page);
    expect(bounded.domElements).toBeLessThanOrEqual(READABILITY_MAX_ELEMENTS);
    expect(bounded.depthSum).toBeGreaterThan(READABILITY_MAX_DEPTH_SUM);
    expect(readabilityFits(bounded)).toBe(false);
    const got = extractHtml(page);
    expect(got.paragraphs).toHaveLength(3400);
    expect(got.paragraphs[3399]).toBe(`3399: ${FERRY}`);
  });

  test('a page of too many elements is refused with the limit in the message', () => {
    expect(() => extractHtml(`<html><body><p>${FERRY}</p>${'<b>'.repeat(100_000)}</body></html>`)).toThrow(/more than 30,000 elements/);
  });
});

describe('extraction in slices (what the ingest worker runs beside the worker answering lookups)', () => {
  /** Counts turns of the event loop that other work gets until `stop()` (a stand-in for other requests). */
  const otherWork = () => {
    let turns = 0;
    let running = true;
    const turn = () => {
      if (!running) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    return {
      stop: () => {
        running = false;
        return turns;
      },
    };
  };

  test('a 900 KB page of 29,000 sibling <div>s: other work runs between the slices, and the result is the one-shot extraction', async () => {
    const page = `<html><body>${'<div>'.repeat(62)}${`<div>${FERRY.slice(0, 20)}</div>`.repeat(29_000)}</body></html>`;
    const other = otherWork();
    const sliced = await extractHtmlSliced(page);
    const turns = other.stop();
    expect(sliced).toEqual(extractHtml(page));
    expect(sliced.paragraphs).toHaveLength(29_000);
    // The page goes in 32 KB parse chunks and walks of 4,000 nodes (block-walk.ts): dozens of slices.
    expect(turns).toBeGreaterThan(20);
  });

  test('20,000 nested <div>s: flattened once, without a <br> per dropped tag, and extracted in slices', async () => {
    const page = nested(20_000);
    const bounded = boundMarkup(page);
    expect(bounded.domElements).toBeLessThan(MAX_NESTING_DEPTH + 20);
    expect((await extractHtmlSliced(page)).paragraphs).toEqual([FERRY, FARES]);
  });

  test('a page past the element limit is refused the same way, sliced', async () => {
    await expect(extractHtmlSliced(`<html><body><p>${FERRY}</p>${'<b>'.repeat(100_000)}</body></html>`)).rejects.toThrow(/more than 30,000 elements/);
  });
});

describe.skipIf(!corpusAvailable())('real pages are not changed by the bounds', () => {
  const dir = join(CORPUS_DIR, 'pages');
  const pages = corpusAvailable() ? readdirSync(dir).filter((n) => existsSync(join(dir, n, 'source.html'))) : [];
  test(`${pages.length} saved news pages: nothing dropped, nothing refused, Readability for all`, () => {
    for (const name of pages) {
      const html = readFileSync(join(dir, name, 'source.html'), 'utf8');
      const bounded = boundMarkup(html);
      expect(bounded.dropped, name).toBe(0);
      expect(bounded.html === html, name).toBe(true);
      expect(bounded.elements, name).toBeLessThanOrEqual(READABILITY_MAX_ELEMENTS);
      expect(bounded.depthSum, name).toBeLessThanOrEqual(READABILITY_MAX_DEPTH_SUM);
      expect(readabilityFits(bounded), name).toBe(true);
    }
  });
});
