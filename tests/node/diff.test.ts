import { describe, expect, test } from 'vitest';
import { diffWords, droppedLeadingNegation, isNegation, meaningOf } from '../../worker/core/diff';
import { tokenize } from '../../worker/core/normalise';

const GUTERRES =
  'Opening the session, the chair of the (fictional) Port Wenlow assembly said: "Enough is enough. The fighting in Ukraine must stop now. It is raging across the country, from air, land and sea. It needs to stop now. Soldiers need to move back to their barracks. Leaders need to move back to peace."';

describe('word-level differences', () => {
  test('identical after normalisation: no differences', () => {
    expect(diffWords(GUTERRES, '“LEADERS need to move back to peace”')).toEqual([]);
    expect(diffWords(GUTERRES, 'Soldiers need to move\nback to their barracks.')).toEqual([]);
  });

  test('a dropped word is a delete with the source text and its offsets', () => {
    const [d, ...rest] = diffWords(GUTERRES, 'Leaders need to move to peace');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ kind: 'delete', source: 'back', quoted: '' });
    expect(GUTERRES.slice(d.sourceStart, d.sourceEnd)).toBe('back');
    expect(d.meaning).toBeUndefined();
  });

  test('an added word is an insert at a point in the source', () => {
    const [d] = diffWords(GUTERRES, 'Soldiers need to move back quickly to their barracks');
    expect(d).toMatchObject({ kind: 'insert', source: '', quoted: 'quickly' });
    expect(d.sourceStart).toBe(d.sourceEnd);
  });

  test('a changed word is a replace with both sides in their own characters', () => {
    const [d] = diffWords(GUTERRES, 'The fighting in Ukraine must end now.');
    expect(d).toMatchObject({ kind: 'replace', source: 'stop', quoted: 'end' });
  });

  test("negation added or removed is flagged, including n't and never", () => {
    expect(diffWords(GUTERRES, 'The fighting in Ukraine must not stop now.')[0]).toMatchObject({ kind: 'insert', quoted: 'not', meaning: 'negation' });
    expect(diffWords('We did not find any points we agree on today', 'We did find any points we agree on today')[0]).toMatchObject({
      kind: 'delete',
      meaning: 'negation',
    });
    expect(diffWords('They could agree on the points of the agenda', 'They couldn’t agree on the points of the agenda')[0]).toMatchObject({
      kind: 'replace',
      meaning: 'negation',
    });
    expect(diffWords('The delegations will meet again in Belarus', 'The delegations will never meet again in Belarus')[0].meaning).toBe('negation');
  });

  test('a negation dropped just before the highlight is flagged unless the prefix shows it', () => {
    const src = 'He said: No sympathy, no preparedness, a real fiasco.';
    const source = tokenize(src);
    const from = source.findIndex((t) => t.norm === 'sympathy');
    expect(droppedLeadingNegation(source, from, src, undefined)).toMatchObject({ kind: 'delete', source: 'No', meaning: 'negation' });
    expect(droppedLeadingNegation(source, from, src, tokenize('He said: No'))).toBeNull();
    const after = source.findIndex((t) => t.norm === 'real');
    expect(droppedLeadingNegation(source, after, src, undefined)).toBeNull();
  });

  test('numbers changed are flagged (a weekday changed is a time)', () => {
    expect(diffWords('after about five hours of discussions', 'after about seven hours of discussions')[0].meaning).toBe('number');
    expect(diffWords('more than 100 speakers inscribed before the vote', 'more than 200 speakers inscribed before the vote')[0].meaning).toBe('number');
    expect(diffWords('the talks ended on Monday in the Gomel region', 'the talks ended on Tuesday in the Gomel region')[0].meaning).toBe('time');
  });

  test('quantifiers changed are flagged', () => {
    expect(diffWords('some delegations would consult their governments', 'all delegations would consult their governments')[0].meaning).toBe('quantifier');
  });

  test('typos are listed as replacements that do not change meaning', () => {
    const ds = diffWords('We discussed in detail every item on the agenda', 'We discused in detail every item on the agenda');
    expect(ds).toEqual([expect.objectContaining({ kind: 'replace', source: 'discussed', quoted: 'discused' })]);
    expect(ds[0].meaning).toBeUndefined();
  });

  test('words elided by an ellipsis are not differences', () => {
    expect(diffWords(GUTERRES, 'The fighting in Ukraine must stop now … It needs to stop now.')).toEqual([]);
  });

  test('negation vocabulary', () => {
    for (const w of ['not', 'never', 'no', "didn't", "can't", 'dont', 'nobody']) expect(isNegation(w)).toBe(true);
    for (const w of ['note', 'now', 'know', 'nothingness']) expect(isNegation(w)).toBe(false);
    expect(meaningOf(["don't"], ['do', 'not'])).toBeUndefined();
  });

  test("a negating prefix is the other side's not: 'was unsatisfied' is 'wasn't satisfied' (real: Trump in the first 2016 debate, as HuffPost printed it)", () => {
    expect(meaningOf(['was', 'unsatisfied'], ["wasn't", 'satisfied'])).toBeUndefined();
    expect(meaningOf(['not', 'possible'], ['impossible'])).toBeUndefined();
    expect(meaningOf(['was', 'satisfied'], ["wasn't", 'satisfied'])).toBe('negation');
    expect(meaningOf(['was', 'unsatisfied'], ['was', 'satisfied'])).not.toBeUndefined();
  });
});

describe('edges and meaning read right', () => {
  test('a changed last word is a replacement with both sides, not an added word', () => {
    expect(diffWords(GUTERRES, 'Leaders need to move back to war')).toEqual([
      expect.objectContaining({ kind: 'replace', source: 'peace', quoted: 'war', meaning: 'opposite' }),
    ]);
    expect(diffWords('fewer than 100 speakers were inscribed', 'fewer than 1,000')).toEqual([
      expect.objectContaining({ kind: 'replace', source: '100', quoted: '1,000', meaning: 'number' }),
    ]);
  });

  test('a word added at the start is an addition, not the previous sentence’s last word changed', () => {
    const ds = diffWords(GUTERRES, 'Indeed the fighting in Ukraine must stop now');
    expect(ds).toEqual([expect.objectContaining({ kind: 'insert', quoted: 'Indeed', source: '' })]);
    expect(ds[0].meaning).toBeUndefined();
  });

  test('a changed first word inside the sentence is a replacement', () => {
    expect(diffWords(GUTERRES, 'Soldiers want to move back to their barracks')).toEqual([
      expect.objectContaining({ kind: 'replace', source: 'need', quoted: 'want' }),
    ]);
  });

  test('"tomorrow" is a time, not a number', () => {
    expect(diffWords('the talks will resume tomorrow in Gomel', 'the talks will resume today in Gomel')[0].meaning).toBe('time');
    expect(meaningOf(['tomorrow'], ['today'])).toBe('time');
  });

  test('opposites, modal strength and intensity change the meaning; synonyms and typos do not', () => {
    expect(meaningOf(['peace'], ['war'])).toBe('opposite');
    expect(meaningOf(['condemn'], ['praise'])).toBe('opposite');
    expect(meaningOf(['increased'], ['decreased'])).toBe('opposite');
    expect(meaningOf(['must'], ['may'])).toBe('modality');
    expect(meaningOf(['will'], ['might'])).toBe('modality');
    expect(meaningOf([], ['allegedly'])).toBe('modality');
    expect(meaningOf(['hurting'], ['killing'])).toBe('intensity');
    expect(meaningOf(['all'], ['some'])).toBe('quantifier');
    for (const [a, b] of [
      ['difficult', 'hard'],
      ['big', 'large'],
      ['said', 'told'],
      ['will', 'would'],
      ['talks', 'negotiations'],
      ['stop', 'stops'],
    ])
      expect(meaningOf([a], [b]), `${a} → ${b}`).toBeUndefined();
  });
});
