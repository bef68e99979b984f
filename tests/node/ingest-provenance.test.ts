/**
 * From files to provenance: a transcript ingested as a primary record (`ingest … --kind primary`)
 * becomes the source of a report's misquote, whichever of the two is loaded first, with the speaker
 * of the turn that said it. The harbour council files are our own invented texts (fictional people,
 * neutral sentences). The 2016 debate checks read the third-party corpus at run time (never copied)
 * and look up only sentences copied verbatim from it; they skip with a message when it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ingest, type IngestOptions } from '../../scripts/ingest';
import type { Match } from '../../worker/core/types';
import { MemoryKV } from '../../worker/store/kv';
import { lookup } from '../../worker/store/lookup';

const fixtures = join(import.meta.dirname, '../fixtures/ingest');
const TRANSCRIPT = join(fixtures, 'transcripts/harbour-council-2024-03-12.txt');
const REPORT = join(fixtures, 'reports/coast-news-harbour-wall-2024-03-13.json');
const REPORT_ID = 'coast-news-harbour-wall-2024-03-13';

/** Holt's sentence as the transcript has it, and as the report prints it ("autumn" → "winter"). */
const HOLT_SAID = 'The new harbour wall will be finished before the autumn storms arrive';
const REPORT_PRINTS = 'The new harbour wall will be finished before the winter storms arrive';
/** A sentence of the CHAIR (named moderator in the transcript's header). */
const CHAIR_SAID = 'The contract will be circulated with the minutes before the next meeting of the council';

/** Runs ingest steps into one store; returns it and the id each `created` line reports per file. */
async function load(steps: Pick<IngestOptions, 'paths' | 'kind'>[]) {
  const kv = new MemoryKV();
  const lines: string[] = [];
  for (const step of steps) {
    const totals = await ingest({ target: { kind: 'kv', kv }, log: (l) => lines.push(l), ...step });
    expect(totals.failed, lines.join('\n')).toBe(0);
  }
  const idOf = (file: string) => {
    const id = lines.find((l) => l.startsWith('created') && l.includes(file))?.match(/ article=(\S+) /)?.[1];
    if (!id) throw new Error(`no created line for ${file}:\n${lines.join('\n')}`);
    return id;
  };
  return { kv, lines, idOf };
}

async function best(kv: MemoryKV, exact: string): Promise<Match> {
  const { matches } = await lookup(kv, { exact });
  expect(matches.length, `no match for ${JSON.stringify(exact)}`).toBeGreaterThan(0);
  return matches[0];
}

/** What a lookup of the report's wording must answer, whatever the order of loading. */
function expectHoltOriginal(m: Match, transcriptId: string) {
  expect(m.source.kind).toBe('primary');
  expect(m.source.article.id).toBe(transcriptId);
  expect(m.source.article.kind).toBe('primary');
  expect(m.source.exact).toBe(HOLT_SAID);
  expect(m.source.excerpt.text.slice(m.source.start, m.source.end)).toBe(HOLT_SAID);
  expect(m.source.speaker?.name).toBe('Holt');
  expect(m.source.speaker?.role).toBeUndefined();
  expect(m.differences).toEqual([expect.objectContaining({ kind: 'replace', source: 'autumn', quoted: 'winter' })]);
  // The report is an appearance of Holt's words, not their source.
  expect(m.appearances.count).toBe(1);
  expect(m.appearances.first.map((a) => a.articleId)).toEqual([REPORT_ID]);
}

describe('a transcript ingested as primary is the source of a report that misquotes it', () => {
  test('transcript and report in one run (--kind primary; the report says "kind": "report")', async () => {
    const { kv, lines, idOf } = await load([{ paths: [TRANSCRIPT, REPORT], kind: 'primary' }]);
    // A transcript with speaker turns gets no warning.
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([]);
    const transcriptId = idOf('harbour-council-2024-03-12.txt');
    expectHoltOriginal(await best(kv, REPORT_PRINTS), transcriptId);
    // Holt's own wording finds the transcript too, with nothing changed.
    const own = await best(kv, HOLT_SAID);
    expect(own.source).toMatchObject({ kind: 'primary', exact: HOLT_SAID, speaker: { name: 'Holt' } });
    expect(own.source.article.id).toBe(transcriptId);
    expect(own.differences).toEqual([]);
  });

  test('the report ingested before the transcript gives the same answer', async () => {
    const { kv, idOf } = await load([{ paths: [REPORT] }, { paths: [TRANSCRIPT], kind: 'primary' }]);
    expectHoltOriginal(await best(kv, REPORT_PRINTS), idOf('harbour-council-2024-03-12.txt'));
  });

  test('with only the report loaded, the report is the earliest print (no primary to trace to)', async () => {
    const { kv } = await load([{ paths: [REPORT] }]);
    const m = await best(kv, REPORT_PRINTS);
    expect(m.source.kind).toBe('earliest-report');
    expect(m.source.article.id).toBe(REPORT_ID);
  });

  test("a sentence of the CHAIR (named moderator in the header) is the Chair's, role moderator", async () => {
    const { kv, idOf } = await load([{ paths: [TRANSCRIPT, REPORT], kind: 'primary' }]);
    const m = await best(kv, CHAIR_SAID);
    expect(m.source.kind).toBe('primary');
    expect(m.source.article.id).toBe(idOf('harbour-council-2024-03-12.txt'));
    expect(m.source.exact).toBe(CHAIR_SAID);
    expect(m.source.speaker).toEqual({ name: 'Chair', role: 'moderator' });
    expect(m.differences).toEqual([]);
  });

  test('stage notes are not part of any turn, and a continuation line stays in its speaker’s turn', async () => {
    const { kv } = await load([{ paths: [TRANSCRIPT], kind: 'primary' }]);
    const m = await best(kv, 'The contractor has agreed to work on Saturdays until the last stone is set');
    expect(m.source.speaker).toEqual({ name: 'Holt' });
    const okonjo = await best(kv, 'I would like to read the contract before we vote on the next item');
    expect(okonjo.source.speaker).toEqual({ name: 'Okonjo' });
    expect(okonjo.source.excerpt.text).toBe('I would like to read the contract before we vote on the next item.');
  });
});

/**
 * Where a .txt names its moderator matters: the first line of a .txt is its title and is not part of
 * the body that transcript splitting reads, so a moderator named only there is not recognised. A
 * .meta.json sidecar keeps the whole file as the body, so the same line there does count.
 */
describe('a moderator named in the first line of a .txt', () => {
  let dir: string;
  const text = [
    'Harbour council meeting, 12 March 2024 (moderator: Chair) — transcript',
    '',
    'CHAIR: The meeting is open, and the first item tonight is the harbour wall.',
    'HOLT: The new harbour wall will be finished before the autumn storms arrive.',
    'CHAIR: The contract will be circulated with the minutes before the next meeting of the council.',
    '',
  ].join('\n');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qs-ingest-prov-'));
    await writeFile(join(dir, 'plain.txt'), text);
    await writeFile(join(dir, 'sidecar.txt'), text);
    await writeFile(
      join(dir, 'sidecar.meta.json'),
      JSON.stringify({ id: 'harbour-sidecar', title: 'Harbour council meeting, 12 March 2024', kind: 'primary' }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('through a .meta.json sidecar (the first line stays in the body): the Chair is the moderator', async () => {
    const { kv } = await load([{ paths: [join(dir, 'sidecar.txt')] }]);
    const m = await best(kv, CHAIR_SAID);
    expect(m.source.article.id).toBe('harbour-sidecar');
    expect(m.source.speaker).toEqual({ name: 'Chair', role: 'moderator' });
  });

  // KNOWN BUG (worker/core/ingest.ts `paragraphsOf` runs splitTranscript on the body only; for a .txt,
  // sources.ts has already taken the first line away as the title): a moderator named in the title
  // line — as in all three 2016 debate transcripts of the corpus — gets no role. Remove `.fails` once
  // the title line is part of the header that moderator detection reads.
  test('as a plain .txt (the first line is the title): the Chair is the moderator', async () => {
    const { kv } = await load([{ paths: [join(dir, 'plain.txt')], kind: 'primary' }]);
    const m = await best(kv, CHAIR_SAID);
    expect(m.source.speaker).toEqual({ name: 'Chair', role: 'moderator' });
  });
});

const corpusDir = fileURLToPath(new URL('../../../shared/corpus/primary', import.meta.url));
const corpusAvailable = existsSync(corpusDir);
const DEBATE = '2016-09-26_debate_full_paigecm.txt';
/** Copied verbatim from the corpus file: one sentence of a TRUMP turn, one of a HOLT turn. */
const TRUMP_LINE = 'You look at what China is doing to our country in terms of making our product.';
const HOLT_LINE = 'The fundamental difference between the two of you concerns the wealthy.';

describe.skipIf(!corpusAvailable)(`first 2016 debate as a primary record (${corpusDir})`, () => {
  let kv: MemoryKV;
  let debateId: string;
  let title: string;
  beforeAll(async () => {
    const file = join(corpusDir, DEBATE);
    const text = readFileSync(file, 'utf8');
    // Never invented: both sentences are in the file as written, in the speaker's own turn.
    expect(
      text
        .split('\n')
        .find((l) => l.includes(TRUMP_LINE))
        ?.startsWith('TRUMP: '),
    ).toBe(true);
    expect(
      text
        .split('\n')
        .find((l) => l.includes(HOLT_LINE))
        ?.startsWith('HOLT: '),
    ).toBe(true);
    title = text.split('\n')[0].trim();
    const loaded = await load([{ paths: [file], kind: 'primary' }]);
    expect(loaded.lines.filter((l) => l.startsWith('warning'))).toEqual([]);
    kv = loaded.kv;
    debateId = loaded.idOf(DEBATE);
  }, 120_000);

  test('the title is the first line, and the article is primary', async () => {
    const m = await best(kv, TRUMP_LINE);
    expect(m.source.article).toMatchObject({ id: debateId, kind: 'primary', title });
    expect(title.startsWith('First 2016 presidential debate')).toBe(true);
  });

  test('a sentence from a TRUMP turn: source primary, speaker Trump', async () => {
    const m = await best(kv, TRUMP_LINE);
    expect(m.source.kind).toBe('primary');
    expect(m.source.article.id).toBe(debateId);
    expect(m.source.exact).toBe(TRUMP_LINE.replace(/\.$/, ''));
    expect(m.source.speaker?.name).toBe('Trump');
    expect(m.source.speaker?.role).toBeUndefined();
    expect(m.differences).toEqual([]);
  });

  test('a sentence from a HOLT turn: source primary, speaker Holt', async () => {
    const m = await best(kv, HOLT_LINE);
    expect(m.source.kind).toBe('primary');
    expect(m.source.article.id).toBe(debateId);
    expect(m.source.exact).toBe(HOLT_LINE.replace(/\.$/, ''));
    expect(m.source.speaker?.name).toBe('Holt');
  });

  // KNOWN BUG (same as above): the file names its moderator only in its first line ("(moderator
  // Lester Holt)"), which a .txt ingest takes as the title, so HOLT's turns lose role 'moderator'
  // (splitTranscript on the whole file does mark them: tests/node/transcript.test.ts). Remove
  // `.fails` once fixed.
  test('a sentence from a HOLT turn: role moderator', async () => {
    const m = await best(kv, HOLT_LINE);
    expect(m.source.speaker).toEqual({ name: 'Holt', role: 'moderator' });
  });
});

test.runIf(!corpusAvailable)('corpus absent: 2016 debate provenance checks skipped', () => {
  console.warn(`skipped: corpus not found at ${corpusDir} (the first 2016 debate provenance checks need ${DEBATE})`);
});
