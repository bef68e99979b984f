/**
 * HTML fragments (no <html>/<body>) ingest like the same content wrapped in a full document.
 * linkedom builds no <html>/<body> around a fragment, so Readability used to find an empty body
 * ("0 characters of text"). All names and sentences here are made up.
 */
import { describe, expect, test } from 'vitest';
import { extractHtml } from '../../worker/core/extract/html';
import { parseSource } from '../../worker/core/extract/sources';

const TIMETABLE = 'The harbour council met on Tuesday to discuss the new ferry timetable for the spring season.';
/** One paragraph long enough on its own to pass the 80-character "is this an article" bar. */
const LONG = `${TIMETABLE} Boats will leave every half hour from April, and fares stay the same.`;
const wrap = (fragment: string) => `<html><body>${fragment}</body></html>`;

/** Fragment → the paragraphs it must give (and the title, given 'snippet' as the fallback title). */
const fragments: Record<string, { html: string; title: string; paragraphs: string[] }> = {
  'bare <p> elements': {
    html: `<p>${TIMETABLE}</p><p>"The timetable is ready," Alvarez said.</p>`,
    title: 'snippet',
    paragraphs: [TIMETABLE, '"The timetable is ready," Alvarez said.'],
  },
  '<article> with an <h1> headline': {
    html: `<article><h1>Council approves the new ferry timetable</h1><p>${TIMETABLE}</p><p>Boats will leave every half hour from April.</p></article>`,
    title: 'Council approves the new ferry timetable',
    paragraphs: [TIMETABLE, 'Boats will leave every half hour from April.'],
  },
  'bare <h1> then paragraphs': {
    html: `<h1>Library extends its weekend opening hours</h1><p>The town library will open on Sundays from next month, the library board said on Monday.</p><p>Staff volunteered for the extra shifts, Ibarra said.</p>`,
    title: 'Library extends its weekend opening hours',
    paragraphs: [
      'The town library will open on Sundays from next month, the library board said on Monday.',
      'Staff volunteered for the extra shifts, Ibarra said.',
    ],
  },
  '<div> with <h2> headings': {
    html: `<div><h2>Timetable</h2><p>The harbour council met on Tuesday to discuss the new ferry timetable.</p><h2>Fares</h2><p>Fares stay the same until the end of the year, a clerk said.</p></div>`,
    title: 'snippet',
    paragraphs: [
      'Timetable',
      'The harbour council met on Tuesday to discuss the new ferry timetable.',
      'Fares',
      'Fares stay the same until the end of the year, a clerk said.',
    ],
  },
  'text with entities and <br> in a <div>': {
    html: `<div>Caf&eacute; owners &amp; fishers met on Tuesday &mdash; the pier was full.<br>The meeting ran late into the evening, Okonkwo said.<br><br>Next meeting: &quot;early May&quot; &lt;to be confirmed&gt;.</div>`,
    title: 'snippet',
    paragraphs: [
      'Café owners & fishers met on Tuesday — the pier was full. The meeting ran late into the evening, Okonkwo said.',
      'Next meeting: "early May" <to be confirmed>.',
    ],
  },
  'whitespace, a comment and a <section>': {
    html: `\n  <!-- pasted snippet -->\n<section><h2>Ferries</h2><p>${TIMETABLE}</p><ul><li>Boats leave every half hour.</li><li>The first boat leaves at six.</li></ul></section>\n`,
    title: 'snippet',
    paragraphs: ['Ferries', TIMETABLE, 'Boats leave every half hour.', 'The first boat leaves at six.'],
  },
  'plain text, no tags at all': {
    html: `${TIMETABLE} Boats will leave every half hour from April.`,
    title: 'snippet',
    paragraphs: [`${TIMETABLE} Boats will leave every half hour from April.`],
  },
};

describe('HTML fragments', () => {
  test.each(Object.entries(fragments))('%s: title and paragraphs', (_, { html, title, paragraphs }) => {
    const { source, paragraphs: got } = extractHtml(html, 'snippet');
    expect(got).toEqual(paragraphs);
    expect(source.title).toBe(title);
    expect(source.body).toBe(paragraphs.join('\n\n'));
  });

  test.each(Object.entries(fragments))('%s: same result as wrapped in <html><body>', (_, { html }) => {
    expect(extractHtml(html, 'snippet')).toEqual(extractHtml(wrap(html), 'snippet'));
  });

  test('the <br> fix applies inside a <p> of a full document too: words either side stay apart', () => {
    const page = wrap(`<p>${TIMETABLE}<br>Boats will leave every half hour.<br>\n The first boat leaves at six.</p>`);
    expect(extractHtml(page).paragraphs).toEqual([`${TIMETABLE} Boats will leave every half hour. The first boat leaves at six.`]);
  });

  test('head-only tags before the content are metadata, as in the same full document', () => {
    const fragment = `<title>Ferry timetable approved | Coast News</title><meta name="author" content="Mira Holt"><p>${LONG}</p>`;
    const full = `<!doctype html><html><head><title>Ferry timetable approved | Coast News</title><meta name="author" content="Mira Holt"></head><body><p>${LONG}</p></body></html>`;
    const { source, paragraphs } = extractHtml(fragment, 'snippet');
    expect(paragraphs).toEqual([LONG]);
    expect(source).toMatchObject({ title: 'Ferry timetable approved | Coast News', author: 'Mira Holt' });
    expect(extractHtml(fragment, 'snippet')).toEqual(extractHtml(full, 'snippet'));
  });

  test('JSON-LD in a fragment still gives the metadata', () => {
    const ld =
      '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Ferry timetable approved","author":{"name":"Mira Holt"},"datePublished":"2024-03-12"}</script>';
    const { source, paragraphs } = extractHtml(`${ld}<p>${LONG}</p>`);
    expect(paragraphs).toEqual([LONG]);
    expect(source).toMatchObject({ title: 'Ferry timetable approved', author: 'Mira Holt', published: '2024-03-12' });
  });

  test('a page missing <body> (or <html>) reads like the complete page', () => {
    const complete = `<html lang="nl"><head><title>Ferry timetable approved</title></head><body class="story"><p>${LONG}</p></body></html>`;
    const noBody = `<html lang="nl"><head><title>Ferry timetable approved</title></head><p>${LONG}</p></html>`;
    const noHtml = `<head><title>Ferry timetable approved</title></head><body class="story"><p>${LONG}</p></body>`;
    const expected = extractHtml(complete);
    expect(expected.paragraphs).toEqual([LONG]);
    expect(expected.source).toMatchObject({ title: 'Ferry timetable approved', language: 'nl' });
    expect(extractHtml(noBody)).toEqual(expected);
    expect(extractHtml(noHtml)).toEqual({ ...expected, source: { ...expected.source, language: '' } });
  });

  test('when Readability keeps too little of a fragment, its own blocks are the text, in order', () => {
    const links = ['Ferries leave every half hour', 'Fares are unchanged this year', 'Parking is free on Sundays', 'The pier café opens at eight'];
    const fragment = links.map((t, i) => `<div><a href="/n/${i}">${t}</a></div>`).join('');
    // Readability keeps only the first link here: a full page with this body is no article…
    expect(() => extractHtml(wrap(fragment))).toThrow(/no article text found/);
    // …but a fragment is exactly the content to ingest.
    expect(extractHtml(fragment).paragraphs).toEqual(links);
  });

  test('a fragment with too little text is still refused, like a full page', () => {
    expect(() => extractHtml('<div>Too short to be an article.</div>')).toThrow(/no article text found in the HTML page \(\d+ characters of text\)/);
    expect(() => extractHtml('<h1>Council approves the new ferry timetable</h1><p>Boats leave at six.</p>')).toThrow(/no article text found/);
  });

  test('parseSource ingests a *.html fragment, with the file name as the fallback title', () => {
    const parsed = parseSource('harbour-snippet.html', new TextEncoder().encode(fragments['bare <p> elements'].html));
    if (parsed.kind !== 'article') throw new Error('expected an article');
    expect(parsed.source.title).toBe('harbour-snippet');
    expect(parsed.source.body).toBe(fragments['bare <p> elements'].paragraphs.join('\n\n'));
  });
});
