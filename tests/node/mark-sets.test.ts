/**
 * The coordinator's stored marks (worker/coordinator/mark-sets.ts): a commit's keys in sets; a set's
 * entry goes once every key in it reached KV with a value at least as new as its commit.
 */
import { describe, expect, test } from 'vitest';
import { MarkSets } from '../../worker/coordinator/mark-sets';

describe('MarkSets', () => {
  test('a set is reported emptied once, when its last key settles', () => {
    const marks = new MarkSets();
    marks.add('set-1', ['a', 'b']);
    expect(marks.settle('a', marks.holdingOf('a'))).toEqual([]);
    expect(marks.settle('b', marks.holdingOf('b'))).toEqual(['set-1']);
    expect(marks.size).toBe(0);
    // Settling again (a retried write) empties nothing twice.
    expect(marks.settle('b', ['set-1'])).toEqual([]);
  });

  test('a key a later commit changed while its older value was being written stays marked by the newer set', () => {
    const marks = new MarkSets();
    marks.add('commit-1', ['posting', 'record']);
    const captured = marks.holdingOf('posting'); // before the value to write is read
    marks.add('commit-2', ['posting']); // a commit lands while the write is in flight
    expect(marks.settle('posting', captured)).toEqual([]);
    expect(marks.holdingOf('posting')).toEqual(['commit-2']);
    expect(marks.settle('record', marks.holdingOf('record'))).toEqual(['commit-1']);
    expect(marks.settle('posting', marks.holdingOf('posting'))).toEqual(['commit-2']);
    expect(marks.size).toBe(0);
  });

  test('marks loaded after a restart (sets and one-key legacy marks) settle the same way', () => {
    const marks = new MarkSets();
    marks.add('dirtyset:x:0', ['k1', 'k2']);
    marks.add('dirty:k2', ['k2']);
    expect(marks.holdingOf('k2')).toEqual(['dirtyset:x:0', 'dirty:k2']);
    expect(marks.settle('k2', marks.holdingOf('k2'))).toEqual(['dirty:k2']);
    expect(marks.settle('k1', marks.holdingOf('k1'))).toEqual(['dirtyset:x:0']);
  });
});
