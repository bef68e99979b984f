/** Every saved page of the third-party corpus ingests without throwing (skips when ../shared/corpus is absent). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CORPUS_DIR, corpusAvailable } from '../../bench/corpus';
import { parseSource } from '../../worker/core/extract/sources';
import { buildArticleRecords } from '../../worker/core/ingest';
import { ID_PATTERN } from '../../worker/store/keys';

const pagesDir = join(CORPUS_DIR, 'pages');
const pages = corpusAvailable()
  ? readdirSync(pagesDir)
      .filter((n) => !n.includes('.'))
      .sort()
  : [];

describe.skipIf(!corpusAvailable())(`corpus pages (${CORPUS_DIR})`, () => {
  test.each(pages)('%s/source.html ingests', async (name) => {
    const parsed = parseSource(`${name}/source.html`, readFileSync(join(pagesDir, name, 'source.html')));
    if (parsed.kind !== 'article') throw new Error('expected an article');
    const { article, excerpts } = await buildArticleRecords(parsed.source, { now: '2024-01-01T00:00:00Z' });
    expect(article.id).toMatch(ID_PATTERN);
    expect(excerpts.length).toBeGreaterThan(0);
    expect(article.title.length).toBeGreaterThan(0);
  });

  test('qq declares gb2312 but is UTF-8: the Chinese title is intact', () => {
    const parsed = parseSource('qq/source.html', readFileSync(join(pagesDir, 'qq', 'source.html')));
    if (parsed.kind !== 'article') throw new Error('expected an article');
    expect(parsed.source.title).toContain('DeepMind新电脑已可利用记忆自学');
  });
});

test.runIf(!corpusAvailable())('corpus absent: page ingestion checks skipped', () => {
  console.warn(`skipped: corpus not found at ${CORPUS_DIR}`);
});
