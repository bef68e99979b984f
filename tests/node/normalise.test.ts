import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GAP, normalise, normaliseWords, tokenize } from '../../worker/core/normalise';

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

  test('property: normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const once = normalise(s).text;
        expect(normalise(once).text).toBe(once);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'É', ' ', '\n', '-', '.', '…', '[', ']', 'sic', '’', '"', 'ﬁ', '\u00ad', 'İ', 'ß', '１'), { maxLength: 40 }), (parts) => {
        const once = normalise(parts.join('')).text;
        expect(normalise(once).text).toBe(once);
      }),
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
