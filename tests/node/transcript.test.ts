/**
 * Speaker-labelled transcripts → turns: every label form and stage-note form on short fixtures of
 * our own (fictional speakers, neutral sentences), prose that must not look like a transcript, and
 * the three 2016 debate transcripts of the third-party corpus (skipped when ../shared/corpus is absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitTranscript, STAGE_NOTE, type TranscriptSplit } from '../../worker/core/extract/transcript';

const split = (lines: string[]): TranscriptSplit => {
  const result = splitTranscript(lines.join('\n'));
  if (!result) throw new Error('expected a transcript');
  return result;
};
const speakers = (s: TranscriptSplit) => s.turns.map((t) => t.speaker);

describe('label forms', () => {
  it('ALL-CAPS surnames and titled names; titles dropped from the speaker name', () => {
    const s = split([
      'ALVAREZ: The library opens at nine.',
      'MS. OKONJO: The bus stop moved to the corner.',
      'SEN. BRANDT: The committee meets on Tuesday.',
      "REP. O'NEILL-VANCE: The bridge report is ready.",
    ]);
    expect(s.turns.map((t) => [t.label, t.speaker])).toEqual([
      ['ALVAREZ', 'Alvarez'],
      ['MS. OKONJO', 'Okonjo'],
      ['SEN. BRANDT', 'Brandt'],
      ["REP. O'NEILL-VANCE", "O'Neill-Vance"],
    ]);
    expect(s.turns[1].text).toBe('The bus stop moved to the corner.');
    expect(s.preamble).toBe('');
  });

  it('THE PRESIDENT, UNIDENTIFIED MALE and (UNKNOWN) keep their words, title-cased', () => {
    const s = split(['THE PRESIDENT: Thank you all for coming.', 'UNIDENTIFIED MALE: Thank you.', '(UNKNOWN): Here is the plaque.']);
    expect(speakers(s)).toEqual(['The President', 'Unidentified Male', 'Unknown']);
    expect(s.turns[2].label).toBe('(UNKNOWN)');
  });

  it('Q: and Q. are questioners; MODERATOR and QUESTION are moderators too', () => {
    const s = split([
      'MODERATOR: We will take questions now.',
      'Q: When does the new schedule start?',
      'MS. OKONJO: In March.',
      'Q. And the old one?',
      'MS. OKONJO: It ends in February.',
      'QUESTION: Is the fare changing?',
    ]);
    expect(s.turns.map((t) => [t.speaker, t.moderator === true])).toEqual([
      ['Moderator', true],
      ['Questioner', true],
      ['Okonjo', false],
      ['Questioner', true],
      ['Okonjo', false],
      ['Questioner', true],
    ]);
    expect(s.turns[3].label).toBe('Q');
    expect(s.turns[3].text).toBe('And the old one?');
    expect(s.turns[2].moderator).toBeUndefined();
  });

  it('a label alone on its line opens a turn that continues on the next lines', () => {
    const s = split(['THE PRESIDENT:', 'Good morning.', 'We have three announcements.', 'Q: What is the first one?']);
    expect(s.turns[0]).toEqual({ label: 'THE PRESIDENT', speaker: 'The President', text: 'Good morning.\nWe have three announcements.' });
  });

  it('a parenthetical after a label is kept in the label and dropped from the speaker', () => {
    const s = split(['ALVAREZ (through translator): The harvest was early.', 'MS. OKONJO: And the rain came late.']);
    expect(s.turns[0]).toMatchObject({ label: 'ALVAREZ (through translator)', speaker: 'Alvarez' });
  });

  it('mixed-case labels count when they recur; a one-off capitalised prefix is prose', () => {
    const s = split([
      'Maren Holt: Welcome to the council meeting.',
      'Alvarez: Thank you for having me.',
      'Remember: the meeting is recorded.',
      'Maren Holt: The first item is the park budget.',
      'Alvarez: The budget is unchanged.',
    ]);
    expect(speakers(s)).toEqual(['Maren Holt', 'Alvarez', 'Maren Holt', 'Alvarez']);
    expect(s.turns[1].text).toBe('Thank you for having me.\nRemember: the meeting is recorded.');
  });

  it('mixed-case and capitals spellings of one label are one speaker', () => {
    const s = split(['ALVAREZ: First point.', 'Alvarez: Second point.', 'MS. OKONJO: Noted.']);
    expect(s.turns).toHaveLength(2);
    expect(s.turns[0].text).toBe('First point.\nSecond point.');
  });
});

describe('turns, continuation and paragraphs', () => {
  it('unlabelled lines continue the turn; blank lines inside a turn become paragraph breaks', () => {
    const s = split(['ALVAREZ: The first line.', 'The second line.', '', 'A new paragraph.', '', '', 'MS. OKONJO: A reply.']);
    expect(s.turns[0].text).toBe('The first line.\nThe second line.\n\nA new paragraph.');
    expect(s.turns[1].text).toBe('A reply.');
  });

  it('title and header lines before the first label are the preamble', () => {
    const s = split(['Council meeting, 3 March', '', 'Chaired by the deputy mayor', 'ALVAREZ: Good evening.', 'MS. OKONJO: Good evening.']);
    expect(s.preamble).toBe('Council meeting, 3 March\n\nChaired by the deputy mayor');
  });

  it('an all-capitals headline with a colon stays in the preamble', () => {
    const s = split(['ALVAREZ TO VOTERS: THE PARK WILL STAY OPEN', '', 'ALVAREZ: The park stays open.', 'MS. OKONJO: Until when?']);
    expect(s.preamble).toBe('ALVAREZ TO VOTERS: THE PARK WILL STAY OPEN');
    expect(speakers(s)).toEqual(['Alvarez', 'Okonjo']);
  });

  it('the same label again, right after a stage note or a page-break repeat, continues the turn', () => {
    const s = split(['ALVAREZ: One.', '(APPLAUSE)', 'ALVAREZ: Two.', 'ALVAREZ: Three.', 'MS. OKONJO: Four.', 'ALVAREZ: Five.']);
    expect(s.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['Alvarez', 'One.\nTwo.\nThree.'],
      ['Okonjo', 'Four.'],
      ['Alvarez', 'Five.'],
    ]);
  });

  it('an established label glued after a sentence end opens a turn inside the line', () => {
    const s = split([
      'MS. OKONJO: Good morning.',
      'ALVAREZ: Is the road open? MS. OKONJO: It opens on Monday.',
      'ALVAREZ: Thank you.',
      'MS. OKONJO: You are welcome.',
    ]);
    expect(s.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['Okonjo', 'Good morning.'],
      ['Alvarez', 'Is the road open?'],
      ['Okonjo', 'It opens on Monday.'],
      ['Alvarez', 'Thank you.'],
      ['Okonjo', 'You are welcome.'],
    ]);
  });

  it('a glued label seen only once at a line start is left in the text', () => {
    const s = split(['ALVAREZ: Is the road open? MS. OKONJO: It opens on Monday.', 'ALVAREZ: Thank you.', 'MS. OKONJO: Good.']);
    expect(s.turns[0].text).toBe('Is the road open? MS. OKONJO: It opens on Monday.\nThank you.');
  });

  it('a capitals word with a colon mid-sentence is not an inline label', () => {
    const s = split(['ALVAREZ: The sign said ALVAREZ: open daily.', 'MS. OKONJO: Good.']);
    expect(s.turns[0].text).toBe('The sign said ALVAREZ: open daily.');
  });

  it('after an audience interjection the interrupted speaker resumes on the next unlabelled line', () => {
    const s = split([
      'ALVAREZ: We will build the library.',
      '',
      'AUDIENCE: Library! Library!',
      '',
      'And it will open on Sundays.',
      '',
      'MS. OKONJO: Thank you, councillor.',
    ]);
    expect(s.turns.map((t) => [t.speaker, t.text])).toEqual([
      ['Alvarez', 'We will build the library.'],
      ['Audience', 'Library! Library!'],
      ['Alvarez', 'And it will open on Sundays.'],
      ['Okonjo', 'Thank you, councillor.'],
    ]);
  });

  it('words stay as written: quotes, dashes and inner spacing are not normalised', () => {
    const s = split(['ALVAREZ:   “Fine” — he said,  ‘twice’.   ', 'MS. OKONJO: OK.']);
    expect(s.turns[0].text).toBe('“Fine” — he said,  ‘twice’.');
  });
});

describe('stage notes', () => {
  it('own-line and inline notes are removed without leaving stray spaces', () => {
    const s = split([
      'ALVAREZ: The vote passed. (APPLAUSE)',
      '(LAUGHTER)',
      '[CROSSTALK]',
      'We counted [inaudible] twice, (inaudible) then again.',
      '(Applause.) The count was final.',
      '(BEGIN VIDEO CLIP)',
      'MS. OKONJO: The clip ends here.',
      '(END VIDEO CLIP)',
      'ALVAREZ: Thank you [laughter and applause].',
    ]);
    expect(s.turns.map((t) => t.text)).toEqual(['The vote passed.\nWe counted twice, then again.\nThe count was final.', 'The clip ends here.', 'Thank you.']);
  });

  it('a stage note before a label does not hide the label', () => {
    const s = split(['ALVAREZ: One.', '(CROSSTALK) MS. OKONJO: Two.', 'ALVAREZ: Three.']);
    expect(speakers(s)).toEqual(['Alvarez', 'Okonjo', 'Alvarez']);
  });

  it('a turn left empty by its stage notes is dropped', () => {
    const s = split(['ALVAREZ: One.', 'MS. OKONJO: (CROSSTALK)', 'ALVAREZ: Two.']);
    expect(s.turns.map((t) => t.text)).toEqual(['One.', 'Two.']);
  });

  it('other parentheticals are words, not stage notes', () => {
    const s = split(['ALVAREZ: The report (page four) is late (sic).', 'MS. OKONJO: Noted.']);
    expect(s.turns[0].text).toBe('The report (page four) is late (sic).');
  });

  it('STAGE_NOTE matches the vocabulary in round or square brackets and is stateless', () => {
    for (const note of ['(APPLAUSE)', '[LAUGHTER]', '(CROSSTALK)', '(inaudible)', '[inaudible 00:01:12]', '(BEGIN VIDEO CLIP)', '(Laughter.)', '(ph)']) {
      expect(STAGE_NOTE.test(note), note).toBe(true);
      expect(STAGE_NOTE.test(note), `${note} again`).toBe(true);
    }
    for (const words of ['(moderator Maren Holt)', '(sic)', '(page four)', 'APPLAUSE']) expect(STAGE_NOTE.test(words), words).toBe(false);
    expect(STAGE_NOTE.global).toBe(false);
  });
});

describe('not transcripts', () => {
  it('prose with colons — notes, times, quotations, URLs — is not split', () => {
    const prose = [
      'Note: the meeting starts at 10:30 in the hall.',
      'The chair opened the session and He said: "We begin with the budget."',
      'Update: minutes are at https://example.org/minutes.',
      '10:30: doors open.',
      'https://example.org/agenda lists the items.',
    ];
    expect(splitTranscript(prose.join('\n'))).toBeNull();
  });

  it('inside a transcript those lines are continuation text, not labels', () => {
    const s = split(['ALVAREZ: We start soon.', 'Note: the meeting starts at 10:30.', 'He said: "Begin."', 'https://example.org/x', 'MS. OKONJO: Good.']);
    expect(s.turns).toHaveLength(2);
    expect(s.turns[0].text).toBe('We start soon.\nNote: the meeting starts at 10:30.\nHe said: "Begin."\nhttps://example.org/x');
  });

  it('headings in capitals (NOTE, UPDATE, PART II) are never labels', () => {
    expect(splitTranscript('NOTE: The times changed.\nUPDATE: The hall changed.\nPART II: The plan.')).toBeNull();
  });

  it('one labelled line is not a transcript', () => {
    expect(splitTranscript('ALVAREZ: The library opens at nine.\nIt closes at six.')).toBeNull();
  });

  it('a speech with a few labelled interjections is not a transcript (labels too sparse)', () => {
    const paragraph = 'The library will open on Sundays and the park will stay open until dusk every day of the year. '.repeat(8);
    const speech = ['Remarks at the library', '', ...Array.from({ length: 8 }, () => [paragraph, '']).flat()];
    speech.splice(6, 0, 'AUDIENCE: Library! Library!', '');
    speech.splice(12, 0, 'AUDIENCE: Library! Library!', '');
    expect(splitTranscript(speech.join('\n'))).toBeNull();
  });

  it('empty text is not a transcript', () => {
    expect(splitTranscript('')).toBeNull();
  });
});

describe('moderators named in the header', () => {
  it('a surname the title line calls moderator marks that speaker', () => {
    const s = split([
      'Council debate on the park budget (moderators Maren Holt, Jo Finch)',
      '',
      'HOLT: Welcome.',
      'FINCH: Let us begin.',
      'ALVAREZ: Thank you.',
    ]);
    expect(s.turns.map((t) => [t.speaker, t.moderator === true])).toEqual([
      ['Holt', true],
      ['Finch', true],
      ['Alvarez', false],
    ]);
  });

  it('"X, moderator" in the header works too', () => {
    const s = split(['Panel on transport. Maren Holt, moderator.', '', 'HOLT: Welcome.', 'ALVAREZ: Thank you.']);
    expect(s.turns[0].moderator).toBe(true);
    expect(s.turns[1].moderator).toBeUndefined();
  });
});

const corpusDir = fileURLToPath(new URL('../../../shared/corpus/primary', import.meta.url));
const corpusAvailable = existsSync(corpusDir);
const debate = (date: string) => {
  const result = splitTranscript(readFileSync(join(corpusDir, `${date}_debate_full_paigecm.txt`), 'utf8'));
  if (!result) throw new Error(`${date}: expected a transcript`);
  return result;
};
const labels = (s: TranscriptSplit) => [...new Set(s.turns.map((t) => t.label))].sort();
const turnWith = (s: TranscriptSplit, words: string) => s.turns.find((t) => t.text.includes(words));

describe.skipIf(!corpusAvailable)(`2016 debate transcripts (${corpusDir})`, () => {
  it('first debate: HOLT (moderator), CLINTON and TRUMP; the title is the preamble', () => {
    const s = debate('2016-09-26');
    expect(labels(s)).toEqual(['CLINTON', 'HOLT', 'TRUMP']);
    expect(s.preamble).toBe('First 2016 presidential debate, Hofstra University, Hempstead, NY (moderator Lester Holt) — full transcript');
    expect(s.turns[0]).toMatchObject({ label: 'HOLT', speaker: 'Holt', moderator: true });
    expect(s.turns[0].text.startsWith('Good evening from Hofstra University')).toBe(true);
    expect(s.turns.filter((t) => t.label !== 'HOLT').every((t) => t.moderator === undefined)).toBe(true);
    expect(turnWith(s, 'I call it trumped-up trickle-down')?.label).toBe('CLINTON');
    expect(turnWith(s, 'Our jobs are fleeing the country.')?.label).toBe('TRUMP');
    // "(APPLAUSE)\nCLINTON: How are you, Donald?" — a one-line turn between two HOLT turns.
    expect(s.turns[1]).toMatchObject({ label: 'CLINTON', text: 'How are you, Donald?' });
    expect(s.turns.length).toBeGreaterThan(250);
  });

  it('second debate: two moderators from the header and the town-hall QUESTION turns', () => {
    const s = debate('2016-10-09');
    expect(labels(s)).toEqual(['CLINTON', 'COOPER', 'QUESTION', 'RADDATZ', 'TRUMP']);
    const moderators = [...new Set(s.turns.filter((t) => t.moderator).map((t) => t.speaker))].sort();
    expect(moderators).toEqual(['Cooper', 'Questioner', 'Raddatz']);
    expect(turnWith(s, 'do you feel you’re modeling appropriate and positive behavior')?.speaker).toBe('Questioner');
  });

  it('third debate: a TRUMP turn glued to the end of a WALLACE line is split off', () => {
    const s = debate('2016-10-19');
    expect(labels(s)).toEqual(['CLINTON', 'TRUMP', 'WALLACE']);
    const trump = turnWith(s, 'Well, the D.C. vs. Heller decision was very strongly');
    expect(trump?.label).toBe('TRUMP');
    expect(trump?.text.startsWith('Well, the D.C. vs. Heller decision')).toBe(true);
    const before = s.turns[s.turns.indexOf(trump!) - 1];
    expect(before.label).toBe('WALLACE');
    expect(before.text.endsWith('a Second Amendment right to bear arms?')).toBe(true);
  });

  it('no turn keeps a stage note or a glued label, and no turn is empty', () => {
    for (const date of ['2016-09-26', '2016-10-09', '2016-10-19']) {
      for (const turn of debate(date).turns) {
        expect(turn.text).not.toMatch(/\((?:APPLAUSE|LAUGHTER|CROSSTALK|inaudible)\)/);
        expect(turn.text).not.toMatch(/[.?!…] (?:HOLT|CLINTON|TRUMP|RADDATZ|COOPER|WALLACE):/);
        expect(turn.text.trim()).toBe(turn.text);
        expect(turn.text.length).toBeGreaterThan(0);
      }
    }
  });

  it('a prepared speech without labels, and one with a few AUDIENCE chants, are not transcripts', () => {
    for (const file of ['2016-09-07_trump_speech_paigecm.txt', '2016-08-31_trump_speech_paigecm.txt']) {
      expect(splitTranscript(readFileSync(join(corpusDir, file), 'utf8')), file).toBeNull();
    }
  });
});

it.runIf(!corpusAvailable)('corpus absent: debate transcript checks skipped', () => {
  console.warn(`skipped: corpus not found at ${corpusDir}`);
});
