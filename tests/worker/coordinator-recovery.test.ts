/**
 * Committed writes reach KV by themselves: the IndexCoordinator's mirror loop dies with its instance,
 * so an alarm must be armed whenever dirty keys exist. These tests commit an operation without letting
 * the loop run (what a crash or an eviction right after the commit leaves), tear the instance down with
 * the real eviction/abort of workerd, and then send *no request* — only the alarm runs — and check KV.
 */
// biome-ignore-all lint/complexity/useLiteralKeys: these tests read the coordinator's private state, which TypeScript allows only by bracket access.
import { env } from 'cloudflare:workers';
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  COMMIT_PREFIX,
  CoordinatedKV,
  DIRTY_PREFIX,
  DIRTY_SET_PREFIX,
  MARKS_PER_SET,
  STAGE_PREFIX,
  VALUE_PREFIX,
} from '../../worker/coordinator/coordinated-kv';
import type { ArticleSource } from '../../worker/core/types';
import type { IndexCoordinator } from '../../worker/coordinator/index-coordinator';
import { applyOperation, type CoordinatorOperation } from '../../worker/coordinator/operations';
import { GENERATION_KEY } from '../../worker/store/generation';
import { KEY_PREFIX, keys } from '../../worker/store/keys';
import { foundIn, sharedPhraseArticle, staleEntries } from './publish-helpers';

/** A coordinator of its own per test, so no other test's loop drains what this one strands. */
const coordinatorNamed = (name: string) => env.INDEX_COORDINATOR.getByName(`recovery-${name}`);

/** Commits an operation inside the object without starting its mirror loop: the state a crash right after the commit leaves. */
async function commitOnly(stub: DurableObjectStub<IndexCoordinator>, op: CoordinatorOperation) {
  return runInDurableObject(stub, async (instance: IndexCoordinator) => {
    const { reply, written } = await instance['commitOperation'](op);
    return { ok: reply.ok, written };
  });
}

const storedAlarm = (stub: DurableObjectStub<IndexCoordinator>) => runInDurableObject(stub, (_: IndexCoordinator, state) => state.storage.getAlarm());
/** Keys marked "still to mirror" in storage: in a commit's mark sets, or one mark per key (as older versions wrote them). */
const markedKeys = (stub: DurableObjectStub<IndexCoordinator>) =>
  runInDurableObject(stub, async (_: IndexCoordinator, state) => {
    const keys = new Set<string>();
    for (const set of (await state.storage.list<string[]>({ prefix: DIRTY_SET_PREFIX })).values()) for (const key of set) keys.add(key);
    for (const name of (await state.storage.list({ prefix: DIRTY_PREFIX })).keys()) keys.add(name.slice(DIRTY_PREFIX.length));
    return keys;
  });
const dirtyMarks = async (stub: DurableObjectStub<IndexCoordinator>) => (await markedKeys(stub)).size;
/**
 * Puts the object's alarm far ahead: a commit arms one 2 s out, and on a loaded machine it could fire
 * mid-test and start the mirror loop beside the rounds a test runs by hand (the tests end with
 * `runDurableObjectAlarm`, which runs it at once).
 */
const holdAlarm = (state: DurableObjectState) => state.storage.setAlarm(Date.now() + 600_000);

/** Makes the object's KV writes wait until `release()` (reads go through): a mirror round held mid-way. */
function holdKvWrites(instance: IndexCoordinator) {
  const realKv = env.QS_KV;
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let signal = () => {};
  const reached = new Promise<void>((resolve) => {
    signal = resolve;
  });
  const put = async (...args: Parameters<KVNamespace['put']>) => {
    signal();
    await gate;
    return realKv.put(...args);
  };
  const heldKv = {
    get: realKv.get.bind(realKv),
    getWithMetadata: realKv.getWithMetadata.bind(realKv),
    list: realKv.list.bind(realKv),
    delete: realKv.delete.bind(realKv),
    put,
  } as unknown as KVNamespace;
  instance['env'] = { ...instance['env'], QS_KV: heldKv };
  return {
    /** Resolves once a write is waiting. */
    reached,
    /** Writes from now on go straight to KV; those already waiting go on waiting until `release`. */
    stopHolding: () => {
      instance['env'] = { ...instance['env'], QS_KV: realKv };
    },
    release: () => {
      instance['env'] = { ...instance['env'], QS_KV: realKv };
      release();
    },
  };
}

/**
 * With the alarm held away, starts a mirror round whose KV writes wait (its first batch in flight), and
 * commits a publish of `source` meanwhile. The round goes on once `held.release()` is called.
 */
async function commitDuringHeldRound(instance: IndexCoordinator, state: DurableObjectState, source: ArticleSource) {
  await holdAlarm(state);
  const held = holdKvWrites(instance);
  const round: Promise<number> = instance['mirrorRound'](false);
  await held.reached;
  expect((await instance['commitOperation']({ kind: 'publish', source })).reply.ok).toBe(true);
  await holdAlarm(state); // the commit armed it again
  return { held, round };
}

/** Runs the alarm, which mirrors everything left, then checks that each quote finds its article and nothing is still marked. */
async function expectDrained(stub: DurableObjectStub<IndexCoordinator>, found: [quote: string, articleId: string][]) {
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  for (const [quote, articleId] of found) expect(await foundIn(quote), quote).toContain(articleId);
  expect(await dirtyMarks(stub)).toBe(0);
}

/** Staged chunks and commit records left in storage (a finished commit leaves none). */
const stagingLeft = (stub: DurableObjectStub<IndexCoordinator>) =>
  runInDurableObject(
    stub,
    async (_: IndexCoordinator, state) =>
      (await state.storage.list({ prefix: STAGE_PREFIX })).size + (await state.storage.list({ prefix: COMMIT_PREFIX })).size,
  );
const storedValue = (stub: DurableObjectStub<IndexCoordinator>, key: string) =>
  runInDurableObject(stub, async (_: IndexCoordinator, state) => state.storage.get<{ v: string | null }>(VALUE_PREFIX + key));
const markSetEntries = (stub: DurableObjectStub<IndexCoordinator>) =>
  runInDurableObject(stub, async (_: IndexCoordinator, state) => (await state.storage.list({ prefix: DIRTY_SET_PREFIX })).size);

describe('committed writes reach KV with no further request', () => {
  it('a commit arms the alarm in the same write as its dirty marks', async () => {
    const stub = coordinatorNamed('armed');
    const article = sharedPhraseArticle(700, 'armed');
    const { ok, written } = await commitOnly(stub, { kind: 'publish', source: article });
    expect(ok).toBe(true);
    expect(written.length).toBeGreaterThan(10);
    expect([...(await markedKeys(stub))].sort()).toEqual([...written].sort());
    // One storage entry per MARKS_PER_SET keys, not one per key (the generation alone in its own).
    expect(written).toContain(GENERATION_KEY);
    expect(await markSetEntries(stub)).toBe(Math.ceil((written.length - 1) / MARKS_PER_SET) + 1);
    expect(await storedAlarm(stub)).not.toBeNull();
    // In place, with nothing staged left behind.
    expect(JSON.parse((await storedValue(stub, keys.article(article.id)))!.v!)).toMatchObject({ id: article.id });
    expect(await stagingLeft(stub)).toBe(0);
    // Nothing reached KV yet: the article is committed in the object only.
    expect(await env.QS_KV.get(keys.article(article.id))).toBeNull();
    // Drained here, so its alarm cannot fire in the middle of another test's whole-KV consistency check.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await env.QS_KV.get(keys.article(article.id))).not.toBeNull();
    expect(await dirtyMarks(stub)).toBe(0);
  });

  it('after an eviction, the alarm alone drains every committed key and no article is torn', async () => {
    const stub = coordinatorNamed('evicted');
    const articles = Array.from({ length: 5 }, (_, i) => sharedPhraseArticle(710 + i, 'evicted'));
    for (const source of articles) expect((await commitOnly(stub, { kind: 'publish', source })).ok).toBe(true);
    expect(await storedAlarm(stub)).not.toBeNull();
    await evictDurableObject(stub);

    // No request: only the alarm wakes a new instance, whose constructor reloads the marks.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    for (const a of articles) {
      expect(await env.QS_KV.get(keys.article(a.id)), a.id).not.toBeNull();
      expect(await foundIn(a.quote), a.quote).toContain(a.id);
    }
    expect(await staleEntries(), 'stale').toEqual([]);
    expect(await dirtyMarks(stub)).toBe(0);
    expect((await stub.stats()).dirty).toBe(0);
  });

  it('after a crash (instance aborted mid-way), the alarm drains a retraction too', async () => {
    let stub = coordinatorNamed('crashed');
    const article = sharedPhraseArticle(720, 'crashed');
    const published = await stub.publish(article);
    expect(published).toMatchObject({ ok: true, kvPending: 0 });
    expect(await storedAlarm(stub)).toBeNull(); // drained by the loop: nothing armed

    expect((await commitOnly(stub, { kind: 'retract', articleId: article.id })).ok).toBe(true);
    expect(await storedAlarm(stub)).not.toBeNull();
    await abortAllDurableObjects();
    stub = coordinatorNamed('crashed'); // a stub of the aborted instance stays broken, as in production
    expect(await env.QS_KV.get(keys.article(article.id))).not.toBeNull(); // KV still has it: the retraction was only committed

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await env.QS_KV.get(keys.article(article.id))).toBeNull();
    expect(await foundIn(article.quote)).not.toContain(article.id);
    expect(await dirtyMarks(stub)).toBe(0);
  });

  it('a mark set left without an alarm gets one when a new instance starts, and is deleted once its keys are in KV', async () => {
    const stub = coordinatorNamed('set-left');
    const keysInSet = ['v-test:set-a', 'v-test:set-b', 'v-test:set-c'];
    await runInDurableObject(stub, async (_: IndexCoordinator, state) => {
      for (const key of keysInSet) await state.storage.put(VALUE_PREFIX + key, { v: `value of ${key}` });
      await state.storage.put(`${DIRTY_SET_PREFIX}left-by-a-crash:0`, keysInSet);
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(stub);
    expect(await storedAlarm(stub)).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    for (const key of keysInSet) expect(await env.QS_KV.get(key)).toBe(`value of ${key}`);
    expect(await dirtyMarks(stub)).toBe(0);
    expect(await markSetEntries(stub)).toBe(0);
  });

  it('marks left without an alarm (by an older version) get one when a new instance starts', async () => {
    const stub = coordinatorNamed('legacy');
    const key = 'v-test:legacy-mark';
    await runInDurableObject(stub, async (_: IndexCoordinator, state) => {
      await state.storage.put({ [VALUE_PREFIX + key]: { v: 'committed before the restart' }, [DIRTY_PREFIX + key]: Date.now() });
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(stub);
    // The first thing the new instance does (before serving this call) is arm the alarm for its loaded marks.
    expect(await storedAlarm(stub)).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await env.QS_KV.get(key)).toBe('committed before the restart');
    expect(await dirtyMarks(stub)).toBe(0);
  });
});

/** The first of `keys` that KV does not hold yet (the order of a publish's writes is not part of the contract). */
async function firstAbsentFromKv(keys: string[]): Promise<string | undefined> {
  for (const key of keys) if ((await env.QS_KV.get(key)) === null) return key;
  return undefined;
}

describe('text before record: an article is never readable before its words can be found', () => {
  /** One paced mirror round (what the loop runs), with `held` written less than a second ago so pacing holds it back. */
  const roundHolding = (stub: DurableObjectStub<IndexCoordinator>, held: string) =>
    runInDurableObject(stub, async (instance: IndexCoordinator) => {
      instance['lastKvWrite'].set(held, Date.now());
      await instance['mirrorRound'](false);
      return instance.stats().dirty;
    });
  const releaseAndRound = (stub: DurableObjectStub<IndexCoordinator>, held: string) =>
    runInDurableObject(stub, async (instance: IndexCoordinator) => {
      instance['lastKvWrite'].delete(held);
      await instance['mirrorRound'](false);
    });

  for (const restarted of [false, true]) {
    it(`a record waits while an index key of its publish waits out the per-key pacing${restarted ? ' (marks reloaded by a new instance)' : ''}`, async () => {
      const stub = coordinatorNamed(`record-last-${restarted}`);
      const article = sharedPhraseArticle(740 + Number(restarted), `record-last-${restarted}`);
      const { ok, written } = await commitOnly(stub, { kind: 'publish', source: article });
      expect(ok).toBe(true);
      if (restarted) await evictDurableObject(stub);
      // A posting list of this publish's own words: earlier tests' shared-phrase publishes put others in KV already.
      const held = (await firstAbsentFromKv(written.filter((k) => k.startsWith(KEY_PREFIX.indexFeature))))!;
      expect(held).toBeDefined();

      expect(await roundHolding(stub, held)).toBeGreaterThan(0);
      // Everything else of the publish is out; the held posting list and the record are not.
      expect(await env.QS_KV.get(held)).toBeNull();
      expect(await env.QS_KV.get(keys.article(article.id))).toBeNull();

      await releaseAndRound(stub, held); // the posting list goes out; the record still waits for the next round
      expect(await env.QS_KV.get(held)).not.toBeNull();
      await releaseAndRound(stub, held);
      expect(await env.QS_KV.get(keys.article(article.id))).not.toBeNull();
      expect(await foundIn(article.quote)).toContain(article.id);
      expect((await stub.stats()).dirty).toBe(0);
    });
  }

  it('a record revised while still dirty waits for the index keys of the revision, not only of its first version', async () => {
    const stub = coordinatorNamed('revised-dirty');
    const first = sharedPhraseArticle(795, 'revised-dirty-first');
    const revised = sharedPhraseArticle(795, 'revised');
    expect((await commitOnly(stub, { kind: 'publish', source: first })).ok).toBe(true);
    const recordInKv = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      await holdAlarm(state);
      await instance['mirrorRound'](false); // the first version's index keys go out; its record waits (they were dirty)
      expect(instance['dirty'].has(keys.article(first.id))).toBe(true);
      expect((await instance['commitOperation']({ kind: 'publish', source: revised })).reply.ok).toBe(true);
      await holdAlarm(state);
      // Every index key of the revision held back, as pacing (one write a second) holds a hot posting list.
      const lastKvWrite = instance['lastKvWrite'] as Map<string, number>;
      for (const key of (instance['dirty'] as Map<string, number>).keys())
        if (!key.startsWith(KEY_PREFIX.article) && !key.startsWith(KEY_PREFIX.claim)) lastKvWrite.set(key, Date.now());
      await instance['mirrorRound'](false);
      return env.QS_KV.get(keys.article(first.id));
    });
    // The record now carries the revision: it may not go before the revision's words.
    expect(recordInKv).toBeNull();
    await expectDrained(stub, [[revised.quote, first.id]]);
  });

  it("a later publish's pending keys never hold back an earlier record", async () => {
    const stub = coordinatorNamed('record-not-starved');
    const first = sharedPhraseArticle(750, 'not-starved');
    await commitOnly(stub, { kind: 'publish', source: first });
    // One round: the first publish's index keys go out; its record waits for the next round.
    await runInDurableObject(stub, (instance: IndexCoordinator) => instance['mirrorRound'](false));
    expect(await env.QS_KV.get(keys.article(first.id))).toBeNull();
    const second = sharedPhraseArticle(751, 'not-starved-b');
    const { written } = await commitOnly(stub, { kind: 'publish', source: second });
    const held = written.find((k) => k.startsWith(KEY_PREFIX.indexFeature))!;
    await roundHolding(stub, held);
    expect(await env.QS_KV.get(keys.article(first.id))).not.toBeNull();
    expect(await env.QS_KV.get(keys.article(second.id))).toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true); // nothing left armed for the next test
  });
});

describe('generation last: cached answers are dropped only once the change they missed can be read', () => {
  /** The generation token an operation committed, from the object's own storage. */
  const committedValue = (stub: DurableObjectStub<IndexCoordinator>, key: string) =>
    runInDurableObject(stub, async (_: IndexCoordinator, state) => (await state.storage.get<{ v: string | null }>(VALUE_PREFIX + key))?.v);
  const committedGeneration = (stub: DurableObjectStub<IndexCoordinator>) => committedValue(stub, GENERATION_KEY);
  const roundHolding = (stub: DurableObjectStub<IndexCoordinator>, held: string) =>
    runInDurableObject(stub, async (instance: IndexCoordinator) => {
      instance['lastKvWrite'].set(held, Date.now());
      // The generation's own pacing is not what holds it here.
      instance['lastKvWrite'].delete(GENERATION_KEY);
      await instance['mirrorRound'](false);
    });
  const round = (stub: DurableObjectStub<IndexCoordinator>) =>
    runInDurableObject(stub, async (instance: IndexCoordinator) => {
      for (const key of instance['lastKvWrite'].keys()) instance['lastKvWrite'].delete(key);
      await instance['mirrorRound'](false);
    });

  for (const restarted of [false, true]) {
    it(`the generation is written after every other key of its publish, the record included${restarted ? ' (marks reloaded by a new instance)' : ''}`, async () => {
      const stub = coordinatorNamed(`generation-last-${restarted}`);
      const article = sharedPhraseArticle(760 + Number(restarted), `generation-last-${restarted}`);
      const { ok, written } = await commitOnly(stub, { kind: 'publish', source: article });
      expect(ok).toBe(true);
      expect(written).toContain(GENERATION_KEY);
      const token = await committedGeneration(stub);
      expect(token).toBeTruthy();
      if (restarted) await evictDurableObject(stub);
      const held = written.find((k) => k.startsWith(KEY_PREFIX.indexFeature))!;

      const heldValue = await committedValue(stub, held);
      await roundHolding(stub, held);
      expect(await env.QS_KV.get(held)).not.toBe(heldValue);
      expect(await env.QS_KV.get(GENERATION_KEY)).not.toBe(token);
      await round(stub); // the posting list goes out; the record waits for the next round, and so does the generation
      expect(await env.QS_KV.get(held)).toBe(heldValue);
      expect(await env.QS_KV.get(keys.article(article.id))).toBeNull();
      expect(await env.QS_KV.get(GENERATION_KEY)).not.toBe(token);
      await round(stub); // the record, then the generation
      expect(await env.QS_KV.get(keys.article(article.id))).not.toBeNull();
      expect(await env.QS_KV.get(GENERATION_KEY)).toBe(token);
      expect((await stub.stats()).dirty).toBe(0);
    });
  }

  it("a later publish's pending keys never hold back an earlier publish's generation, and the latest is written once they are out", async () => {
    const stub = coordinatorNamed('generation-not-starved');
    const first = sharedPhraseArticle(770, 'generation-first');
    await commitOnly(stub, { kind: 'publish', source: first });
    const firstToken = await committedGeneration(stub);
    await round(stub); // index keys out; record and generation wait
    const second = sharedPhraseArticle(771, 'generation-second');
    const { written } = await commitOnly(stub, { kind: 'publish', source: second });
    const secondToken = await committedGeneration(stub);
    expect(secondToken).not.toBe(firstToken);
    const held = written.find((k) => k.startsWith(KEY_PREFIX.indexFeature) && k !== GENERATION_KEY)!;
    await roundHolding(stub, held);
    // The first publish is wholly in KV: its generation is; the second's is not while its posting list is held.
    expect(await env.QS_KV.get(keys.article(first.id))).not.toBeNull();
    expect(await env.QS_KV.get(GENERATION_KEY)).toBe(firstToken);
    await round(stub);
    await round(stub);
    expect(await env.QS_KV.get(keys.article(second.id))).not.toBeNull();
    expect(await env.QS_KV.get(GENERATION_KEY)).toBe(secondToken);
    expect((await stub.stats()).dirty).toBe(0);
  });

  it('a publish that changes nothing starts no generation; a retraction does', async () => {
    const stub = coordinatorNamed('generation-unchanged');
    const article = sharedPhraseArticle(780, 'generation-unchanged');
    expect(await stub.publish(article)).toMatchObject({ ok: true, kvPending: 0 });
    const published = await env.QS_KV.get(GENERATION_KEY);
    expect(published).toBe(await committedGeneration(stub));
    expect(await stub.publish(article)).toMatchObject({ status: 'unchanged' });
    expect(await env.QS_KV.get(GENERATION_KEY)).toBe(published);
    expect(await stub.retract(article.id)).toMatchObject({ status: 'deleted', kvPending: 0 });
    expect(await env.QS_KV.get(GENERATION_KEY)).not.toBe(published);
  });
});

describe('keys read through from KV are remembered ahead of the commit', () => {
  it("they are stored before the commit without marks, so a crash in between leaves only KV's own values", async () => {
    const stub = coordinatorNamed('read-through');
    const known = { 'v-test:rt-a': 'value a in KV', 'v-test:rt-b': 'value b in KV' };
    for (const [key, value] of Object.entries(known)) await env.QS_KV.put(key, value);
    await runInDurableObject(stub, async (_: IndexCoordinator, state) => {
      const kv = new CoordinatedKV(state.storage, env.QS_KV);
      expect(await kv.get([...Object.keys(known), 'v-test:rt-absent'], 'text')).toEqual(new Map([...Object.entries(known), ['v-test:rt-absent', null]]));
      await kv.put('v-test:rt-a', 'changed, never committed');
      await kv.rememberReadThroughs();
      // No commit: what a crash right here leaves.
    });
    await evictDurableObject(stub);
    const stored = await runInDurableObject(stub, async (_: IndexCoordinator, state) => {
      const entries = await state.storage.list<{ v: string | null }>({ prefix: `${VALUE_PREFIX}v-test:rt-` });
      return Object.fromEntries([...entries].map(([name, entry]) => [name.slice(VALUE_PREFIX.length), entry.v]));
    });
    // The unchanged key and the absent one are remembered as KV has them; the changed one is not stored at all.
    expect(stored).toEqual({ 'v-test:rt-b': 'value b in KV', 'v-test:rt-absent': null });
    expect(await dirtyMarks(stub)).toBe(0);
    expect(await env.QS_KV.get('v-test:rt-a')).toBe('value a in KV');
  });
});

describe('a commit is staged in slices, committed in one small write, then put in place', () => {
  /** Runs a publish in the object up to the given step of its commit, then stops (what a crash there leaves). */
  const publishUntil = (stub: DurableObjectStub<IndexCoordinator>, source: CoordinatorOperation & { kind: 'publish' }, step: 'staged' | 'committed') =>
    runInDurableObject(stub, async (_: IndexCoordinator, state) => {
      const kv = new CoordinatedKV(state.storage, env.QS_KV);
      expect((await applyOperation(kv, source)).ok).toBe(true);
      await kv.put(GENERATION_KEY, `generation-${step}`);
      const staged = await kv.stage();
      const written = step === 'committed' ? (await kv.commitStaged(staged, { alarmInMs: 60_000 })).written : [];
      return { chunks: staged.chunks.length, written };
    });

  it('a crash after the commit: a new instance puts every value in place before anything reads it, and the alarm mirrors them', async () => {
    const stub = coordinatorNamed('staged-committed');
    const article = sharedPhraseArticle(790, 'staged');
    const { chunks, written } = await publishUntil(stub, { kind: 'publish', source: article }, 'committed');
    expect(chunks).toBeGreaterThan(1);
    expect(await storedValue(stub, keys.article(article.id))).toBeUndefined(); // committed, not yet in place
    await abortAllDurableObjects();

    // Start-up completed the commit: the values are in place, the marks loaded, nothing staged left.
    const restarted = coordinatorNamed('staged-committed');
    expect(JSON.parse((await storedValue(restarted, keys.article(article.id)))!.v!)).toMatchObject({ id: article.id });
    expect((await storedValue(restarted, GENERATION_KEY))?.v).toBe('generation-committed');
    expect(await stagingLeft(restarted)).toBe(0);
    expect([...(await markedKeys(restarted))].sort()).toEqual([...written].sort());
    expect((await restarted.stats()).dirty).toBe(written.length);

    expect(await runDurableObjectAlarm(restarted)).toBe(true);
    expect(await env.QS_KV.get(keys.article(article.id))).not.toBeNull();
    expect(await foundIn(article.quote)).toContain(article.id);
    expect(await env.QS_KV.get(GENERATION_KEY)).toBe('generation-committed');
    expect(await dirtyMarks(restarted)).toBe(0);
  });

  /** Runs `onPlaced` inside a commit once every value is in place and before its keys are marked dirty in memory (as the commit record is deleted). */
  const whenPlaced = (state: DurableObjectState, onPlaced: () => Promise<unknown> | undefined) => {
    const del = state.storage.delete.bind(state.storage);
    let done = false;
    state.storage.delete = (async (...args: Parameters<typeof del>) => {
      const key: unknown = args[0]; // a name, or a list of names
      if (!done && typeof key === 'string' && key.startsWith(COMMIT_PREFIX)) {
        done = true;
        await onPlaced();
      }
      return del(...args);
    }) as typeof del;
    return () => {
      state.storage.delete = del;
    };
  };

  it("while a commit's values go into place, the mirror sends none of its keys to KV, not even one an earlier operation left dirty", async () => {
    const stub = coordinatorNamed('placing');
    const first = sharedPhraseArticle(793, 'placing-first');
    const revised = sharedPhraseArticle(793, 'revised'); // the same article, its quote changed
    expect((await commitOnly(stub, { kind: 'publish', source: first })).ok).toBe(true); // committed, its record still dirty
    const seen = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      await holdAlarm(state);
      const firstHash = JSON.parse((await state.storage.get<{ v: string }>(VALUE_PREFIX + keys.article(first.id)))!.v).contentHash as string;
      let recordInKv: string | null = null;
      const restore = whenPlaced(state, async () => {
        await instance['mirrorRound'](true); // a round of the mirror loop, forced: every dirty key it may write
        recordInKv = await env.QS_KV.get(keys.article(first.id));
      });
      const { reply } = await instance['commitOperation']({ kind: 'publish', source: revised });
      restore();
      return { ok: reply.ok, firstHash, recordInKv: recordInKv as string | null };
    });
    expect(seen.ok).toBe(true);
    // The record was held back: KV has none yet (or the first version's), never the revision's before its words.
    if (seen.recordInKv !== null) expect(JSON.parse(seen.recordInKv).contentHash).toBe(seen.firstHash);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(JSON.parse((await env.QS_KV.get(keys.article(first.id)))!).contentHash).not.toBe(seen.firstHash);
    expect(await foundIn(revised.quote)).toContain(first.id);
    expect(await dirtyMarks(stub)).toBe(0);
  });

  it('a mirror round under way when another operation commits reads none of its values: a record it revised waits for its words', async () => {
    const stub = coordinatorNamed('round-across-commit');
    const first = sharedPhraseArticle(796, 'across-first');
    const other = sharedPhraseArticle(797, 'across-other');
    const revised = sharedPhraseArticle(796, 'revised');
    expect((await commitOnly(stub, { kind: 'publish', source: first })).ok).toBe(true);
    const result = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      await holdAlarm(state);
      await instance['mirrorRound'](false); // the first version's index keys out; its record still dirty
      expect((await instance['commitOperation']({ kind: 'publish', source: other })).reply.ok).toBe(true);
      // This round's due list: the other article's index keys, then the first's record (its own index
      // keys are out). Its KV writes wait until the revision below has committed, whole.
      const held = holdKvWrites(instance);
      const round = instance['mirrorRound'](false);
      await held.reached;
      const revision = await instance['commitOperation']({ kind: 'publish', source: revised });
      await holdAlarm(state);
      held.release();
      await round;
      return { ok: revision.reply.ok, recordInKv: await env.QS_KV.get(keys.article(first.id)) };
    });
    expect(result.ok).toBe(true);
    // Read after the revision committed, the record would carry it ahead of its words.
    expect(result.recordInKv).toBeNull();
    await expectDrained(stub, [[revised.quote, first.id]]);
  });

  it("a key rewritten while its earlier value was on its way to KV no longer holds back the earlier operation's record", async () => {
    const stub = coordinatorNamed('rewritten-in-flight');
    const earlier = sharedPhraseArticle(798, 'in-flight-earlier');
    const later = sharedPhraseArticle(799, 'in-flight-later'); // shares posting lists with it (the same first paragraph)
    expect((await commitOnly(stub, { kind: 'publish', source: earlier })).ok).toBe(true);
    const result = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      // A round writing the earlier article's index keys, its first batch held in flight while the later one commits.
      const { held, round } = await commitDuringHeldRound(instance, state, later);
      held.release();
      await round;
      // Keys written with the earlier values but changed meanwhile: still dirty, and (just written) paced.
      const rewritten = [...(instance['dirtySince'] as Map<string, number>).keys()].filter((k) => (instance['lastKvWrite'] as Map<string, number>).has(k));
      await instance['mirrorRound'](false);
      return { rewritten: rewritten.length, recordInKv: await env.QS_KV.get(keys.article(earlier.id)) };
    });
    expect(result.rewritten).toBeGreaterThan(0); // the case under test happened
    // All of the earlier article's words are in KV (its values of those keys included): its record goes.
    expect(JSON.parse(result.recordInKv!)).toMatchObject({ id: earlier.id });
    await expectDrained(stub, [
      [earlier.quote, earlier.id],
      [later.quote, later.id],
    ]);
  });

  it('a forced round (flush) beside a round under way waits for it: an older value never lands in KV after a newer one', async () => {
    const stub = coordinatorNamed('flush-beside-round');
    const earlier = sharedPhraseArticle(800, 'flush-earlier');
    const later = sharedPhraseArticle(801, 'flush-later'); // shares posting lists with it (the same first paragraph)
    expect((await commitOnly(stub, { kind: 'publish', source: earlier })).ok).toBe(true);
    const flushedBeforeRoundEnded = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      // The loop's round, its first batch (the earlier values of the shared posting lists) held in flight.
      const { held, round } = await commitDuringHeldRound(instance, state, later);
      // A flush now would reach KV at once (with the later values) if it did not wait for the round.
      held.stopHolding();
      const flushed = instance.flush();
      const early = await Promise.race([flushed.then(() => true), scheduler.wait(500).then(() => false)]);
      held.release();
      await round;
      await flushed;
      return early;
    });
    expect(flushedBeforeRoundEnded).toBe(false);
    await expectDrained(stub, [
      [earlier.quote, earlier.id],
      [later.quote, later.id],
    ]);
    // Every key holds in KV the value the object holds (only this object has written to this test's KV).
    const stale = await runInDurableObject(stub, async (_: IndexCoordinator, state) => {
      const out: string[] = [];
      for (const [name, entry] of await state.storage.list<{ v: string | null }>({ prefix: VALUE_PREFIX })) {
        const key = name.slice(VALUE_PREFIX.length);
        if ((await env.QS_KV.get(key)) !== entry.v) out.push(key);
      }
      return out;
    });
    expect(stale).toEqual([]);
  });

  it('an alarm that fires while a commit is still putting values in place waits for them and mirrors them', async () => {
    const stub = coordinatorNamed('alarm-placing');
    const article = sharedPhraseArticle(794, 'alarm-placing');
    const result = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      let alarm: Promise<void> | undefined;
      const restore = whenPlaced(state, () => {
        alarm = instance.alarm(); // not awaited: the commit goes on meanwhile
        return undefined;
      });
      const { reply, written } = await instance['commitOperation']({ kind: 'publish', source: article });
      restore();
      await alarm;
      return { ok: reply.ok, written: written.length, dirtyWhenAlarmEnded: instance['dirty'].size };
    });
    expect(result.ok).toBe(true);
    expect(result.written).toBeGreaterThan(10);
    // An alarm that ended with the commit's keys still to mirror would be spent, leaving them without one.
    expect(result.dirtyWhenAlarmEnded).toBe(0);
    expect(await foundIn(article.quote)).toContain(article.id);
    expect(await dirtyMarks(stub)).toBe(0);
  });

  it('storage failing while values are put in place resets the instance, and the next one completes the commit', async () => {
    const stub = coordinatorNamed('place-fails');
    const article = sharedPhraseArticle(792, 'place-fails');
    const failure = await runInDurableObject(stub, async (instance: IndexCoordinator, state) => {
      const put = state.storage.put.bind(state.storage);
      const del = state.storage.delete.bind(state.storage);
      let placing = false;
      // Storage fails once the commit record is `committed` (and on disk: a reset drops writes not yet
      // synced, which would make this the commit failing): the first chunk on its way into place is lost whole.
      const unavailable = () => state.storage.sync().then(() => Promise.reject(new Error('storage unavailable')));
      state.storage.put = ((...args: Parameters<typeof put>) => {
        if (placing) return unavailable();
        const [first] = args;
        if (typeof first === 'object' && Object.values(first).some((v) => (v as { state?: string })?.state === 'committed')) placing = true;
        return put(...args);
      }) as typeof put;
      state.storage.delete = ((...args: Parameters<typeof del>) => (placing ? unavailable() : del(...args))) as typeof del;
      return instance['commitOperation']({ kind: 'publish', source: article }).then(
        () => 'committed',
        (err: Error) => err.message,
      );
    }).catch((err: Error) => `instance reset: ${err.message}`);
    expect(failure).toMatch(/storage unavailable|reset|abort/);

    const restarted = coordinatorNamed('place-fails');
    expect(JSON.parse((await storedValue(restarted, keys.article(article.id)))!.v!)).toMatchObject({ id: article.id });
    expect(await stagingLeft(restarted)).toBe(0);
    await expectDrained(restarted, [[article.quote, article.id]]);
  });

  it('a crash while staging: a new instance drops the chunks, and nothing of the operation is stored, marked or mirrored', async () => {
    const stub = coordinatorNamed('staged-only');
    const article = sharedPhraseArticle(791, 'staging-crash');
    const { chunks } = await publishUntil(stub, { kind: 'publish', source: article }, 'staged');
    expect(chunks).toBeGreaterThan(1);
    expect(await stagingLeft(stub)).toBe(chunks + 1);
    await evictDurableObject(stub);

    expect(await stagingLeft(stub)).toBe(0);
    expect(await storedValue(stub, keys.article(article.id))).toBeUndefined();
    expect(await dirtyMarks(stub)).toBe(0);
    expect(await storedAlarm(stub)).toBeNull();
    expect(await env.QS_KV.get(keys.article(article.id))).toBeNull();
  });
});

describe('one publish is bounded', () => {
  it('a publish over the key limit is refused (422 naming the count) with nothing committed; a retraction is never refused', async () => {
    const stub = coordinatorNamed('bounded');
    const small = sharedPhraseArticle(730, 'bounded');
    expect(await stub.publish(small)).toMatchObject({ ok: true, status: 'created' });
    // Lower the limit below what one article changes, instead of publishing 10,000 keys' worth of text.
    await runInDurableObject(stub, (instance: IndexCoordinator) => {
      instance['maxOperationKeys'] = 10;
    });
    const big = sharedPhraseArticle(731, 'bounded');
    const refused = await stub.publish(big);
    expect(refused).toMatchObject({ ok: false, status: 422 });
    expect((refused as { detail: string }).detail).toMatch(/would change \d+ index keys; one publish may change at most 10\b/);
    expect(await env.QS_KV.get(keys.article(big.id))).toBeNull();
    expect(await dirtyMarks(stub)).toBe(0);
    // The object holds no value for it either (a read-through may have cached "absent", nothing more).
    const held = await runInDurableObject(
      stub,
      async (_: IndexCoordinator, state) => (await state.storage.get<{ v: string | null }>(VALUE_PREFIX + keys.article(big.id)))?.v ?? null,
    );
    expect(held).toBeNull();
    // Retracting the earlier article changes more than 10 keys too, and goes through.
    expect(await stub.retract(small.id)).toMatchObject({ ok: true, status: 'deleted' });
    expect(await env.QS_KV.get(keys.article(small.id))).toBeNull();
  });
});
