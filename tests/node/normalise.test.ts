import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GAP, normalise, normaliseWords, tokenize, tokensOf } from '../../worker/core/normalise';

const words = (s: string) => tokenize(s).map((t) => t.norm);

describe('normalise', () => {
  test('folds case and diacritics: António = Antonio', () => {
    expect(normaliseWords('António GUTERRES')).toBe(normaliseWords('antonio guterres'));
    expect(words('Ça déjà Noël')).toEqual(['ca', 'deja', 'noel']);
  });

  test('curly and straight quotes and apostrophes agree', () => {
    expect(normaliseWords('“We don’t,” he said')).toBe(normaliseWords('"We don\'t," he said'));
    expect(words('didn’t')).toEqual(["didn't"]);
  });

  test('dashes, whitespace and line breaks collapse; hyphenated line breaks rejoin the word', () => {
    expect(normalise('a\u00a0 \n\t b').text).toBe('a b');
    expect(normalise('well — known').text).toBe('well - known');
    expect(words('the negoti-\nations went on')).toEqual(['the', 'negotiations', 'went', 'on']);
    expect(words('Polish-Belarusian border')).toEqual(['polish', 'belarusian', 'border']);
  });

  test('NFKC: ligatures and fullwidth forms fold to plain letters', () => {
    expect(words('ﬁnal ＡＢＣ')).toEqual(['final', 'abc']);
  });

  test('ellipses and bracketed insertions become one gap, not text', () => {
    for (const s of ['stop now... It needs', 'stop now… It needs', 'stop now […] It needs', 'stop now [...] It needs', 'stop now . . . It needs']) {
      expect(words(s)).toEqual(['stop', 'now', GAP, 'it', 'needs']);
    }
    expect(words('he [the president] said [sic] it')).toEqual(['he', GAP, 'said', GAP, 'it']);
  });

  test('invisible characters and bidi overrides vanish', () => {
    expect(words('ab\u200bc \u202Eevil\u202C')).toEqual(['abc', 'evil']);
  });

  test('token offsets point at the original characters', () => {
    const src = 'Secretary-General António Guterres said: “Enough… [sic]”';
    const toks = tokenize(src);
    expect(toks.map((t) => src.slice(t.start, t.end))).toEqual(['Secretary', 'General', 'António', 'Guterres', 'said', 'Enough', '… [sic]']);
  });

  test('numbers keep their inner separators', () => {
    expect(words('3.5 per cent of 1,000 people in 2022.')).toEqual(['3.5', 'per', 'cent', 'of', '1,000', 'people', 'in', '2022']);
  });

  test('CJK characters are words of their own', () => {
    expect(words('中文 abc')).toEqual(['中', '文', 'abc']);
  });

  test('property: the one-to-one fast path gives the same words and offsets as the general path', () => {
    const general = (s: string) => tokensOf(normalise(s));
    // Mostly strings the fast path takes (single spaces, foldable letters, curly quotes), with the characters that send it back.
    const piece = fc.constantFrom(
      'We',
      'don’t',
      'said',
      'É',
      'ção',
      ' ',
      ' ',
      ' ',
      '\n',
      '\t',
      '\r\n',
      '“',
      '”',
      '—',
      '-',
      '.',
      '...',
      '…',
      '[',
      ']',
      'ﬁ',
      '\u00ad',
      'İ',
      'ß',
      '１',
      '`',
      'A',
      '3,5',
      '中',
      '\u00a0',
      'x\u0301',
      '(',
      ')',
      '(...)',
      '( … )',
      '. .',
      '..',
      '…',
      '[sic]',
      '[…]',
      '-\n',
      '3',
      '.5',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        expect(tokenize(s)).toEqual(general(s));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (s) => {
        expect(tokenize(s)).toEqual(general(s));
      }),
      { numRuns: 2000 },
    );
    // ASCII text (scanned without the regex): apostrophes, numbers with separators, digits in words.
    const ascii = fc.constantFrom('a', 'Bc', '1', '22', "'", '.', ',', ' ', '-', '_', '"', 'x1', '3.5', '1,000', "don't", '`', '!', '...', '. . .', '(', ')');
    fc.assert(
      fc.property(fc.array(ascii, { maxLength: 30 }), (parts) => {
        const s = parts.join('');
        expect(tokenize(s)).toEqual(general(s));
      }),
      { numRuns: 5000 },
    );
    // Whitespace runs matter where collapsing them makes an ellipsis or a hyphenated break.
    for (const s of ['stop now .  .  . It needs', 'stop now.\t \t. . it', 'the negoti-  \nations', 'the negoti- \r\nations', ' lead and trail '])
      expect(tokenize(s), s).toEqual(general(s));
    expect(words('stop now .  .  . It needs')).toContain(GAP);
    // Real sentences take the fast path and keep their offsets.
    const src = 'He said: “We won’t go back — not now.”';
    expect(tokenize(src).map((t) => src.slice(t.start, t.end))).toEqual(['He', 'said', 'We', 'won’t', 'go', 'back', 'not', 'now']);
  });

  test('property: normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const once = normalise(s).text;
        expect(normalise(once).text).toBe(once);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'É', ' ', '\n', '-', '.', '…', '[', ']', 'sic', '’', '"', 'ﬁ', '\u00ad', 'İ', 'ß', '１'), { maxLength: 40 }),
        (parts) => {
          const once = normalise(parts.join('')).text;
          expect(normalise(once).text).toBe(once);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('property: the map stays inside the original and is monotonic', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const n = normalise(s);
        expect(n.map.length).toBe(n.text.length + 1);
        for (let i = 0; i < n.text.length; i++) {
          expect(n.map[i]).toBeGreaterThanOrEqual(i > 0 ? n.map[i - 1] : 0);
          expect(n.mapEnd[i]).toBeLessThanOrEqual(s.length);
          expect(n.map[i]).toBeLessThanOrEqual(n.mapEnd[i]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
