/**
 * The coordinator's "still to mirror to KV" marks as they are stored: a commit writes its changed keys
 * in sets of MARKS_PER_SET, one storage entry per set (coordinated-kv.ts `commit`), and a set's entry
 * is deleted once every key in it has reached KV with a value at least as new as that commit's. One
 * entry per key made the commit of the largest publish ~15,000 entries where its values are ~7,700;
 * now that the values are staged and put in place in slices (coordinated-kv.ts), the mark entries are
 * all that the commit's one atomic write holds besides its record and the alarm.
 *
 * A set is captured for a key *before* the value to write is read from storage (`holdingOf`), so
 * whatever is then written is at least as new as every captured set's commit; a commit that lands
 * meanwhile adds its own, newer set, which keeps the key marked.
 *
 * Invariants: set names are unique to a commit, so a set only ever shrinks; a key leaves a set only
 * when KV holds a value at least as new as that set's commit (`settle`); each emptied set is reported
 * once, for its entry to be deleted. A crash between a KV write and the deletion only means the set's
 * keys are written to KV once more after the restart (at most MARKS_PER_SET per set).
 */
export class MarkSets {
  /** Set (storage entry name) → its keys not yet settled. */
  private readonly sets = new Map<string, Set<string>>();
  /** Key → the sets holding it. */
  private readonly holding = new Map<string, string[]>();

  /** Records a committed (or, after a restart, loaded) set. */
  add(name: string, keys: Iterable<string>): void {
    const members = new Set(keys);
    if (members.size === 0) return;
    this.sets.set(name, members);
    for (const key of members) {
      const names = this.holding.get(key);
      if (names) names.push(name);
      else this.holding.set(key, [name]);
    }
  }

  /** The sets holding `key` now: capture before reading the value that will be written to KV. */
  holdingOf(key: string): readonly string[] {
    return [...(this.holding.get(key) ?? [])];
  }

  /** `key` reached KV with a value at least as new as the commits of `captured`: it leaves them. Returns the sets this emptied. */
  settle(key: string, captured: readonly string[]): string[] {
    const emptied: string[] = [];
    for (const name of captured) {
      const members = this.sets.get(name);
      if (!members?.delete(key)) continue;
      if (members.size === 0) {
        this.sets.delete(name);
        emptied.push(name);
      }
    }
    const left = (this.holding.get(key) ?? []).filter((name) => this.sets.get(name)?.has(key));
    if (left.length) this.holding.set(key, left);
    else this.holding.delete(key);
    return emptied;
  }

  /** Sets not yet emptied. */
  get size(): number {
    return this.sets.size;
  }
}
