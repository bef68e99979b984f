/**
 * The attribution rules of quote extraction (worker/core/extract/quotes.ts), each on the example in
 * its comment: the example's quote gets the speaker, and it is that rule, tried in its place among
 * the others, that names it. All speakers are fictional.
 */
import { describe, expect, test } from 'vitest';
import { ATTRIBUTION_RULES, extractQuotes, type AttributionRule } from '../../worker/core/extract/quotes';

/** The direct quotes of `paragraphs`, each with the name of the rule that named its speaker. */
function attributed(paragraphs: string[]) {
  const decidedBy = new Map<string, string>();
  const watched = ATTRIBUTION_RULES.map(
    (rule): AttributionRule =>
      (quote) => {
        const attribution = rule(quote);
        if (attribution) decidedBy.set(`${quote.paragraph}:${quote.span.start}`, rule.name);
        return attribution;
      },
  );
  const quotes = extractQuotes(paragraphs, watched).filter((q) => q.kind === 'direct');
  // Watching changes nothing.
  expect(quotes).toEqual(extractQuotes(paragraphs).filter((q) => q.kind === 'direct'));
  return quotes.map((q) => ({ text: q.text, speaker: q.speaker, cue: q.cue, rule: decidedBy.get(`${q.paragraph}:${q.start}`) }));
}

describe('attribution rules, each on its own example', () => {
  test('attributionAfter: "…," X said', () => {
    expect(attributed(['"The road will reopen on Monday," Lena Brandt said.'])).toEqual([
      { text: 'The road will reopen on Monday', speaker: { name: 'Lena Brandt' }, cue: 'said', rule: 'attributionAfter' },
    ]);
  });

  test('dashSignature: "…" ― X', () => {
    expect(attributed(['“We want the park to stay green for our children.” ― Mila Novak'])).toEqual([
      { text: 'We want the park to stay green for our children.', speaker: { name: 'Mila Novak' }, cue: '—', rule: 'dashSignature' },
    ]);
  });

  test('attributionBefore: X said: "…"', () => {
    expect(attributed(['Mayor Ada Quist said: "The budget is balanced for the first time in ten years."'])).toEqual([
      {
        text: 'The budget is balanced for the first time in ten years.',
        speaker: { name: 'Ada Quist', role: 'Mayor' },
        cue: 'said',
        rule: 'attributionBefore',
      },
    ]);
  });

  test('leadFromPreviousParagraph: "X said:" ending a paragraph, the quote opening the next', () => {
    expect(attributed(['Inspector Paul Aubert said:', '"We are asking anyone who saw the van to call us."'])).toEqual([
      {
        text: 'We are asking anyone who saw the van to call us.',
        speaker: { name: 'Paul Aubert', role: 'Inspector' },
        cue: 'said',
        rule: 'leadFromPreviousParagraph',
      },
    ]);
  });

  test('sameQuotation: the part of a quotation running into the next paragraph', () => {
    const quotes = attributed([
      '"The ferry stays," Maren Holt said, "and we will publish the figures every month.',
      '"If the numbers fall, we will come back to this in public."',
    ]);
    expect(quotes[2]).toEqual({
      text: 'If the numbers fall, we will come back to this in public.',
      speaker: { name: 'Maren Holt' },
      cue: 'said',
      rule: 'sameQuotation',
    });
    expect(quotes.map((q) => q.speaker?.name)).toEqual(['Maren Holt', 'Maren Holt', 'Maren Holt']);
  });

  test('earlierQuoteInParagraph: an unattributed quote after an attributed one', () => {
    expect(attributed(['"The bridge is safe," engineer Lea Moss said after the inspection. The crews left at noon. "We checked every bolt twice."'])).toEqual([
      { text: 'The bridge is safe', speaker: { name: 'Lea Moss', role: 'engineer' }, cue: 'said', rule: 'attributionAfter' },
      { text: 'We checked every bolt twice.', speaker: { name: 'Lea Moss', role: 'engineer' }, cue: 'said', rule: 'earlierQuoteInParagraph' },
    ]);
  });

  test('nearestAttribution: the attribution in a later sentence of the paragraph', () => {
    expect(attributed(['"The pier will close in May." Tove Lund confirmed the date on Monday.'])).toEqual([
      { text: 'The pier will close in May.', speaker: { name: 'Tove Lund' }, cue: 'confirmed', rule: 'nearestAttribution' },
    ]);
  });

  test('previousParagraphSpeaker: a paragraph that is all quote continues the speaker before it', () => {
    expect(attributed(['"The ferry is late again," Nora Beck said.', '"We waited two hours on the quay in the rain."'])).toEqual([
      { text: 'The ferry is late again', speaker: { name: 'Nora Beck' }, cue: 'said', rule: 'attributionAfter' },
      { text: 'We waited two hours on the quay in the rain.', speaker: { name: 'Nora Beck' }, cue: undefined, rule: 'previousParagraphSpeaker' },
    ]);
  });
});

describe('the rules together', () => {
  test('are tried in order: the first that names a speaker decides', () => {
    expect(ATTRIBUTION_RULES.map((rule) => rule.name)).toEqual([
      'attributionAfter',
      'dashSignature',
      'attributionBefore',
      'leadFromPreviousParagraph',
      'sameQuotation',
      'earlierQuoteInParagraph',
      'nearestAttribution',
      'previousParagraphSpeaker',
    ]);
  });

  test('without any, a quote keeps its words but names nobody; long quotes stay, short unattributed ones go', () => {
    const paragraphs = ['"The road will reopen on Monday," Lena Brandt said. "Soon," she added.'];
    expect(
      extractQuotes(paragraphs, [])
        .filter((q) => q.kind === 'direct')
        .map((q) => [q.text, q.speaker]),
    ).toEqual([['The road will reopen on Monday', undefined]]);
  });
});
