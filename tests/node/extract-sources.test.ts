/** parseSource: the project formats, raw HTML (metadata, lying charsets), and clear errors for bad files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeHtml } from '../../worker/core/extract/charset';
import { extractHtml } from '../../worker/core/extract/html';
import { parseSource } from '../../worker/core/extract/sources';
import { splitParagraphs } from '../../worker/core/extract/paragraphs';

const fixtures = join(import.meta.dirname, '../fixtures/ingest');
const read = (rel: string) => readFileSync(join(fixtures, rel));

describe('project formats', () => {
  test('*.json article', () => {
    const parsed = parseSource('articles/harbour-council.json', read('articles/harbour-council.json'));
    expect(parsed.kind).toBe('article');
    if (parsed.kind !== 'article') return;
    expect(parsed.source).toMatchObject({ id: 'fixture-harbour-council', published: '2024-03-12', publisher: 'Example Coast News' });
  });

  test('*.txt: first line is the title, blank lines separate paragraphs', () => {
    const parsed = parseSource('library-hours.txt', read('articles/library-hours.txt'));
    if (parsed.kind !== 'article') throw new Error('expected an article');
    expect(parsed.source.title).toBe('Library extends weekend opening hours');
    expect(splitParagraphs(parsed.source.body)).toHaveLength(3);
  });

  test('*.claims.json', () => {
    const parsed = parseSource('harbour.claims.json', read('claims/harbour.claims.json'));
    expect(parsed.kind).toBe('claims');
    if (parsed.kind === 'claims') expect(parsed.claims[0].reviews?.[0].textualRating).toBe('Mostly true');
  });

  test('single newlines are soft wraps; CRLF is fine', () => {
    expect(splitParagraphs('one line\r\ncontinues\r\n\r\nsecond')).toEqual(['one line continues', 'second']);
  });
});

describe('bad files get a clear message naming the file', () => {
  test.each([
    ['bad/no-body.json', /no-body\.json: "body" must be a non-empty string/],
    ['bad/not-json.json', /not-json\.json: invalid JSON/],
    ['bad/empty.txt', /empty\.txt: empty file/],
    ['bad/no-article.html', /no-article\.html: no article text found/],
  ])('%s', (rel, message) => {
    expect(() => parseSource(rel, read(rel))).toThrow(message);
  });

  test('wrong field types, bad URL and date, unknown extension, non-UTF-8 JSON', () => {
    expect(() => parseSource('a.json', JSON.stringify({ title: 'T', body: 'B', url: 'javascript:alert(1)' }))).toThrow(/a\.json: "url" must be an http/);
    expect(() => parseSource('a.json', JSON.stringify({ title: 'T', body: 'B', published: 'yesterday' }))).toThrow(/"published" must be an ISO date/);
    expect(() => parseSource('a.json', JSON.stringify({ title: 7, body: 'B' }))).toThrow(/"title" must be a non-empty string/);
    expect(() => parseSource('a.json', '[1,2]')).toThrow(/expected a JSON object/);
    expect(() => parseSource('notes.md', '# hi')).toThrow(/notes\.md: unsupported file type/);
    expect(() => parseSource('a.json', new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/a\.json: not valid UTF-8/);
    expect(() => parseSource('x.claims.json', '{"claims": [{"text": ""}]}')).toThrow(/x\.claims\.json: claims\[0\]: "text"/);
    expect(() => parseSource('x.claims.json', '{"claims": [{"text": "t", "reviews": [{"url": 1}]}]}')).toThrow(/reviews\[0\]/);
  });
});

describe('HTML pages', () => {
  test('UTF-8 bytes under a lying windows-1252 meta charset are not garbled; JSON-LD metadata wins', () => {
    const { source, charset } = extractHtml(read('html/bridge-lying-charset.html'));
    expect(charset).toBe('utf-8');
    expect(source).toMatchObject({
      title: 'Bridge repairs finish early',
      url: 'https://news.example/2024/05/bridge-repairs',
      publisher: 'Example Coast News',
      author: 'Zoë Ørsted',
      published: '2024-05-02T09:30:00+02:00',
      language: 'en-GB',
    });
    expect(source.body).toContain('the café owners on both banks');
    expect(source.body).toContain('Søren Müller');
    expect(source.body).not.toMatch(/Ã|Â/);
  });

  test('article text only: no navigation, scripts, ads or footer; byline paragraph dropped; order kept', () => {
    const paragraphs = splitParagraphs(extractHtml(read('html/bridge-lying-charset.html')).source.body);
    expect(paragraphs[0]).toMatch(/^The old stone bridge/);
    expect(paragraphs.at(-1)).toMatch(/^Cyclists and pedestrians/);
    const all = paragraphs.join('\n');
    for (const junk of ['Home', 'Advertisement', 'not article text', '©', 'By Zoë']) expect(all).not.toContain(junk);
  });

  test('UTF-8 Chinese under a lying gb2312 http-equiv; OpenGraph and meta tags give the metadata', () => {
    const { source } = extractHtml(read('html/ferry-gb2312-lie.html'));
    expect(source).toMatchObject({
      title: '港口渡轮继续夜间运行',
      url: 'https://news.example/zh/ferry',
      publisher: '示例海岸新闻',
      author: '测试作者',
      published: '2024-03-13T08:00:00+08:00',
    });
    expect(source.body).toContain('交通委员会主席表示');
  });

  test('bytes that are not UTF-8 are decoded with the declared charset', () => {
    const html = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 cr\u00e8me \u2014 na\u00efve</p></body></html>';
    const bytes = new Uint8Array([...html].map((c) => ({ '\u00e9': 0xe9, '\u00e8': 0xe8, '\u2014': 0x97, '\u00ef': 0xef })[c] ?? c.charCodeAt(0)));
    expect(decodeHtml(bytes)).toEqual({ text: html, charset: 'windows-1252' });
    const latin = new Uint8Array([0x3c, 0x70, 0x3e, 0xe9, 0x3c, 0x2f, 0x70, 0x3e]); // no declaration → windows-1252
    expect(decodeHtml(latin).text).toBe('<p>é</p>');
  });

  test('hostile markup yields plain text, never markup', () => {
    const page = `<html><head><title>T</title></head><body><article><p>${'Safe words about the harbour and its boats. '.repeat(8)}<img src=x onerror="alert(1)"><script>alert(2)</script></p><p>&lt;script&gt;alert(3)&lt;/script&gt; is shown as text.</p></article></body></html>`;
    const { source } = extractHtml(page);
    expect(source.body).not.toMatch(/onerror|alert\(2\)/);
    expect(source.body).toContain('<script>alert(3)</script> is shown as text.');
  });
});
