/** Quote extraction and speaker attribution: each pattern on short texts of our own, plus the golden fixture and the seed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { extractQuotes, extractQuotesSteps, QUOTE_PARAGRAPHS_PER_SLICE, type ExtractedQuote } from '../../worker/core/extract/quotes';
import { runSliced } from '../../worker/core/slices';
import { splitParagraphs } from '../../worker/core/extract/paragraphs';

const fixtures = join(import.meta.dirname, '../fixtures/ingest');
const direct = (paragraphs: string[]) => extractQuotes(paragraphs).filter((q) => q.kind === 'direct');
const one = (text: string): ExtractedQuote => {
  const quotes = direct(splitParagraphs(text));
  expect(quotes).toHaveLength(1);
  return quotes[0];
};

describe('attribution patterns', () => {
  test('"…," X said', () => {
    const q = one('"The road will reopen on Monday," Lena Brandt said.');
    expect(q).toMatchObject({ text: 'The road will reopen on Monday', speaker: { name: 'Lena Brandt' }, cue: 'said', kind: 'direct' });
  });

  test('"…," said X, with an appositive role', () => {
    const q = one('"We will not raise the fares," said Omar Keita, the head of the bus company.');
    expect(q.speaker).toEqual({ name: 'Omar Keita', role: 'the head of the bus company' });
  });

  test('"…," said X, adding / noting that: the participle goes on with the speech, it is no role', () => {
    expect(
      extractQuotes(splitParagraphs('"The road is open," said Omar Keita, adding: "The buses run again."')).find((q) => q.kind === 'direct')!.speaker,
    ).toEqual({ name: 'Omar Keita' });
    expect(one('"The fares stay as they are," said Omar Keita, noting that the council had agreed.').speaker).toEqual({ name: 'Omar Keita' });
  });

  test('X said: "…"', () => {
    const q = one('Mayor Ada Quist said: "The budget is balanced for the first time in ten years."');
    expect(q.speaker).toEqual({ name: 'Ada Quist', role: 'Mayor' });
    expect(q.text).toBe('The budget is balanced for the first time in ten years.');
  });

  test('X told reporters …', () => {
    const q = one('"Nobody was hurt," fire chief Rui Costa told reporters outside the station.');
    expect(q.speaker).toEqual({ name: 'Rui Costa', role: 'fire chief' });
    expect(q.cue).toBe('told reporters');
  });

  test('according to X', () => {
    const q = one('According to Hana Berg, "the survey covered every school in the district."');
    expect(q.speaker?.name).toBe('Hana Berg');
    expect(q.cue).toBe('according to');
  });

  test('role before the name: "Secretary-General of the United Nations António Guterres"', () => {
    const q = one('Opening the session, Secretary-General of the United Nations António Guterres said: "Enough is enough."');
    expect(q.speaker).toEqual({ name: 'António Guterres', role: 'Secretary-General of the United Nations' });
  });

  test('appositive between name and verb: "Medinsky, an aide to the Russian president, said"', () => {
    const quotes = direct(['Vladimir Medinsky, an aide to the Russian president, said: "The next meeting will take place soon."']);
    expect(quotes[0].speaker).toEqual({ name: 'Vladimir Medinsky', role: 'an aide to the Russian president' });
  });

  test('a sentence-initial "Said X:" is an attribution; a capitalised noun like "States" is not a verb', () => {
    expect(one('Said Ellis: "I do not see any interest in reform here."').speaker?.name).toBe('Ellis');
    const all = extractQuotes(['The assembly will debate for days before Member States vote on a draft resolution.']);
    expect(all).toEqual([]);
  });

  test('a dash signature: "…" ― Name', () => {
    const q = one('“We want the park to stay green for our children.” ― Mila Novak');
    expect(q.speaker?.name).toBe('Mila Novak');
  });

  test('"X said:" ending a paragraph introduces the quote that opens the next one', () => {
    const quotes = direct(['Inspector Paul Aubert said:', '"We are asking anyone who saw the van to call us."']);
    expect(quotes[0].speaker?.name).toBe('Paul Aubert');
  });
});

describe('continuations and resolution', () => {
  test('pronoun continuations resolve to the last named speaker; surnames to the full name', () => {
    const paragraphs = splitParagraphs(
      [
        'Transport minister Clara Voss opened the new line on Friday. "This is the fastest tram in the region," Voss said.',
        '"It will carry ten thousand people a day," she added. She further said that the tickets would stay at the old price.',
        '"The depot is finished too," Voss told the crowd.',
      ].join('\n\n'),
    );
    const all = extractQuotes(paragraphs);
    const names = all.map((q) => q.speaker?.name);
    expect(names.every((n) => n === 'Clara Voss')).toBe(true);
    expect(all.find((q) => q.kind === 'indirect')?.text).toBe('the tickets would stay at the old price');
    expect(all.find((q) => q.cue === 'added')?.text).toBe('It will carry ten thousand people a day');
  });

  test('"he"/"she" skip people of the other gender', () => {
    const quotes = direct([
      'Maria Lind met John Hart at the harbour. "The nets are empty this year," John Hart said.',
      '"We will ask for help from the county," she said.',
    ]);
    expect(quotes.map((q) => q.speaker?.name)).toEqual(['John Hart', 'Maria Lind']);
  });

  test('a role mention resolves to the person who held it', () => {
    const quotes = direct([
      'Secretary-General of the Harbour Union Ida Falk said: "We will strike on Monday."',
      'The Secretary-General also said: "Nobody wants this."',
    ]);
    expect(quotes[1].speaker?.name).toBe('Ida Falk');
  });

  test('an interrupted quote is two quotes by the same speaker', () => {
    const quotes = direct(['"We tried," Ben Ode said, "but the river was too high."']);
    expect(quotes.map((q) => [q.text, q.speaker?.name])).toEqual([
      ['We tried', 'Ben Ode'],
      ['but the river was too high.', 'Ben Ode'],
    ]);
  });

  test('unattributed quotes in a paragraph follow the quote before them', () => {
    const quotes = direct(['"The bridge is safe," engineer Lea Moss said. "We checked every bolt twice."']);
    expect(quotes[1].speaker?.name).toBe('Lea Moss');
  });
});

describe('quotation marks', () => {
  test('straight and curly quotes give the same quote', () => {
    const straight = one('"The harvest was early this year," farmer Jonas Weber said.');
    const curly = one('“The harvest was early this year,” farmer Jonas Weber said.');
    expect(curly.text).toBe(straight.text);
    expect(curly.speaker).toEqual(straight.speaker);
  });

  test('German „…“ and French «…» quotation marks', () => {
    expect(one('„Wir bauen die Brücke neu“, sagte Bürgermeisterin Anna Roth, "und zwar schnell."'.split(', "')[0]).text).toBe('Wir bauen die Brücke neu');
    expect(one('« Nous reconstruirons le pont », a déclaré la maire.').text).toBe('Nous reconstruirons le pont');
  });

  test('nested single quotes stay inside the double-quoted span', () => {
    const q = one('"My neighbour calls it \'the ghost boat\' and laughs," Edwin Szabo said.');
    expect(q.text).toBe("My neighbour calls it 'the ghost boat' and laughs");
  });

  test('curly quotes nested in a straight-quoted paragraph', () => {
    const q = one('Ola Berg said: "They asked me: “Is it safe?” And I said yes, it is safe now."');
    expect(q.text).toBe('They asked me: “Is it safe?” And I said yes, it is safe now.');
  });

  test('a quote spanning sentences is one quote', () => {
    const q = one('"We lost the first match. We won the second. We will win the cup," coach Ana Silva said.');
    expect(q.text).toBe('We lost the first match. We won the second. We will win the cup');
  });

  test('a quote running over paragraphs: unclosed paragraph, next one opens with a quote mark', () => {
    const quotes = direct([
      '"The ferry stays," Maren Holt said, "and we will publish the figures every month.',
      '"If the numbers fall, we will come back to this in public."',
    ]);
    expect(quotes).toHaveLength(3);
    expect(quotes[2]).toMatchObject({ paragraph: 1, text: 'If the numbers fall, we will come back to this in public.', speaker: { name: 'Maren Holt' } });
    expect(quotes[1].group).toBe(quotes[2].group);
  });

  test('the speaker named after the last paragraph of a multi-paragraph quote applies to all of it', () => {
    const quotes = direct(['"The first part of the statement runs on.', '"And the second part ends it," Nils Dahl said.']);
    expect(quotes.map((q) => q.speaker?.name)).toEqual(['Nils Dahl', 'Nils Dahl']);
  });

  test('scare quotes and titles are not quotations', () => {
    expect(direct(['The council called the plan a "disaster" before the vote.'])).toEqual([]);
    expect(direct(['Lars Olsen told CBS\'s "Face the Nation" that the vote was close.'])).toEqual([]);
    expect(direct(['Lars Olsen said so on CBS\'s "Face the Nation."'])).toEqual([]);
  });

  test("fragments woven into the reporter's sentence are flagged partial; full quotations are not", () => {
    const [fragment] = direct(['Mayor Ada Quist called the ruling "a huge win for every voter in the county" on Friday.']);
    expect(fragment).toMatchObject({ text: 'a huge win for every voter in the county', partial: true, speaker: { name: 'Ada Quist' } });
    const full = direct(['Mayor Ada Quist said: "We won."', '"We won," Ada Quist said.', 'Ada Quist said "we won the case" after the ruling.']);
    expect(full.map((q) => q.partial ?? false)).toEqual([false, false, false]);
  });

  test('offsets point at the quoted words in the paragraph', () => {
    const text = 'Before. "Stop the works now," Kim Lee said.';
    const q = direct([text])[0];
    expect(text.slice(q.start, q.end)).toBe(q.text);
  });
});

describe('golden fixture and seed', () => {
  test('harbour-council.json matches its golden quotes', () => {
    const source = JSON.parse(readFileSync(join(fixtures, 'articles/harbour-council.json'), 'utf8'));
    const expected = JSON.parse(readFileSync(join(fixtures, 'expected/harbour-council.quotes.json'), 'utf8')) as {
      paragraph: number;
      text: string;
      speaker: string;
      role?: string;
      cue?: string;
    }[];
    const got = direct(splitParagraphs(source.body));
    expect(got.map((q) => ({ paragraph: q.paragraph, text: q.text, speaker: q.speaker?.name }))).toEqual(
      expected.map((e) => ({ paragraph: e.paragraph, text: e.text, speaker: e.speaker })),
    );
    for (const e of expected) {
      const q = got.find((g) => g.text === e.text)!;
      if (e.role) expect(q.speaker?.role).toBe(e.role);
      if (e.cue) expect(q.cue).toBe(e.cue);
    }
  });

  test('run in slices (as the coordinator does), the golden fixture gives the same quotes, with turns between its paragraphs', async () => {
    const paragraphs = splitParagraphs(JSON.parse(readFileSync(join(fixtures, 'articles/harbour-council.json'), 'utf8')).body);
    let turns = 0;
    const sliced = await runSliced(extractQuotesSteps(paragraphs), () => turns++);
    expect(sliced).toEqual(extractQuotes(paragraphs));
    expect(sliced.length).toBeGreaterThan(0);
    expect(turns).toBe(2 + Math.floor(paragraphs.length / QUOTE_PARAGRAPHS_PER_SLICE));
  });

  test('seed: Medinsky and Guterres quotes are attributed (the seed document as given)', () => {
    const text = readFileSync(join(import.meta.dirname, '../../seeds/articles/000_f31f24ae895fee86.txt'), 'utf8');
    const quotes = direct(splitParagraphs(text));
    const medinsky = quotes.find((q) => q.text.includes('We found some points by which we can predict common positions'));
    expect(medinsky?.speaker?.name).toBe('Vladimir Medinsky');
    const guterres = quotes.find((q) => q.text.startsWith('Enough is enough'));
    expect(guterres?.speaker?.name).toBe('António Guterres');
    // "the UN Secretary-General said": the role the text gave him earlier, abbreviation spelt out.
    const unsg = quotes.find((q) => q.text.startsWith('In the face of continuing attacks'));
    expect(unsg?.speaker).toEqual({ name: 'António Guterres', role: 'Secretary-General of the United Nations' });
  });
});

describe('any input', () => {
  test('never throws; every quote points at its own words; speakers are plain text', async () => {
    const fc = await import('fast-check');
    const token = fc.constantFrom(
      '"',
      '“',
      '”',
      '„',
      '«',
      '»',
      "'",
      ',',
      '.',
      ':',
      ' ',
      ' said ',
      ' he ',
      ' she ',
      ' Ada Quist ',
      ' told reporters ',
      ' according to ',
      'Mr.',
      '—',
      '(',
      ')',
      '\n\n',
      'word',
      'Anna',
      '<b>',
      '&amp;',
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.array(token, { maxLength: 40 }).map((t) => t.join('')),
          { maxLength: 6 },
        ),
        (paragraphs) => {
          for (const q of extractQuotes(paragraphs)) {
            expect(paragraphs[q.paragraph].slice(q.start, q.end)).toBe(q.text);
            expect(q.end).toBeGreaterThan(q.start);
            if (q.speaker) expect(typeof q.speaker.name).toBe('string');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
