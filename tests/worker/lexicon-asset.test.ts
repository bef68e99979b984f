/**
 * The public worker does not bundle the antonym lexicon: it reads the compact form `npm run
 * build:widget` put in its assets (worker/lexicon-deferred.ts). In workerd, through the real ASSETS
 * binding: what it loads is the lexicon, word for word; and the file is not served to the public.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import lexicon from '../../worker/core/lexicon/antonyms.json';
import deferred, { loadLexicon } from '../../worker/lexicon-deferred';
import { request } from './publish-helpers';

describe('antonym lexicon from the assets', () => {
  it('is pending until loaded, then equals the bundled JSON (every word, every opposed pair)', async () => {
    expect(deferred.pending).toBe(true);
    await Promise.all([loadLexicon(env.ASSETS), loadLexicon(env.ASSETS)]);
    expect(deferred.pending).toBe(false);
    expect(deferred.opposed).toEqual(lexicon.opposed);
    const words = lexicon.words as Record<string, number[]>;
    expect(Object.keys(deferred.words).length).toBe(Object.keys(words).length);
    for (const [word, poles] of Object.entries(words)) expect(deferred.words[word]).toEqual(poles);
  });

  it('is not served: GET /lexicon/antonyms.txt is a 404 problem', async () => {
    const res = await request('/lexicon/antonyms.txt');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
