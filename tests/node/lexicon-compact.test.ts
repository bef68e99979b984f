/**
 * The antonym lexicon's compact form (worker/core/lexicon/compact.ts), which the public worker reads
 * from its assets instead of bundling the JSON: lossless, and smaller.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeLexicon, encodeLexicon, type Lexicon } from '../../worker/core/lexicon/compact';

const json = readFileSync('worker/core/lexicon/antonyms.json', 'utf8');
const lexicon = JSON.parse(json) as Lexicon;

describe('compact antonym lexicon', () => {
  it('decodes to exactly the lexicon it encodes (every word, every pole, every opposed pair)', () => {
    const back = decodeLexicon(encodeLexicon(lexicon));
    expect(back.opposed).toEqual(lexicon.opposed);
    expect(Object.keys(back.words).length).toBe(Object.keys(lexicon.words).length);
    for (const [word, poles] of Object.entries(lexicon.words)) expect(back.words[word]).toEqual(poles);
  });

  it('is smaller than the JSON, raw and gzipped', () => {
    const text = encodeLexicon(lexicon);
    expect(text.length).toBeLessThan(json.length * 0.6);
    expect(gzipSync(text).length).toBeLessThan(gzipSync(json).length);
  });

  it('survives words sharing more than 35 leading letters and single-word lexicons', () => {
    const long = 'a'.repeat(40);
    const tiny: Lexicon = { words: { [long]: [0], [`${long}b`]: [1], x: [0, 1] }, opposed: [[0, 1]] };
    expect(decodeLexicon(encodeLexicon(tiny))).toEqual(tiny);
  });
});
