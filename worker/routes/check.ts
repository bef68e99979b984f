/**
 * The quote check for editors: `POST /v1/check` with a draft (JSON `{text, url?, published?}` or a
 * `text/html` page, extracted as ingestion does) → every quotation with its status against the
 * record (store/check). Read-only, so cached like lookups: under a hash of the exact request body.
 */
import { InputError } from '../core/errors';
import { sha256Hex } from '../core/hash';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ArticleSource } from '../core/types';
import { limitBody, mediaTypeOf, requireMediaType } from '../middleware/body';
import { answeredAt, cacheable } from '../middleware/cache';
import { ProblemError } from '../middleware/problem';
import { withCacheTtl } from '../store/cached-kv';
import { checkDraft, DraftTooLargeError } from '../store/check';
import { CheckRequestSchema, CheckResponseSchema } from './check-schemas';
import { MAX_BODY_BYTES, problemResponses } from './schemas';
import { extractInIngest } from './ingest-binding';
import { createRouter } from './router';

/** 415 unless the draft is JSON or HTML. */
const requireDraftMediaType = () =>
  requireMediaType({
    html: true,
    hint: (got) => `Send the draft as "Content-Type: application/json" ({"text": …}) or "text/html" (a page to extract); got ${got}.`,
  });

/** The cache identity: the media type and a SHA-256 of the exact body (a draft is too long for a key). */
const draftKey = async (c: Context) => {
  return `check|${mediaTypeOf(c)}|${await sha256Hex(await c.req.arrayBuffer())}`;
};

/** An HTML draft → the article text, as `PUT /v1/articles` and the CLI extract it. */
async function draftFromHtml(env: Env, bytes: Uint8Array): Promise<ArticleSource> {
  if (bytes.includes(0)) throw new ProblemError('invalid-request', 'The HTML draft contains NUL bytes: it looks like a binary file, not a page.');
  let parsed;
  try {
    // The CLI's parseSource, run by the ingest worker: no HTML parser in this bundle.
    parsed = await extractInIngest(env, 'draft.html', bytes);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new ProblemError('invalid-request', `Could not extract the draft's article text from the HTML: ${err.message}`);
  }
  if (parsed.kind !== 'article' || !parsed.source.body.trim()) throw new ProblemError('invalid-request', 'The HTML holds no article text to check.');
  return parsed.source;
}

export const checkRoutes = createRouter().openapi(
  createRoute({
    method: 'post',
    path: '/v1/check',
    operationId: 'checkDraft',
    tags: ['check'],
    summary: 'Check every quotation of a draft against the record before it is published',
    description:
      'Extracts and attributes the quotations as ingestion does, looks each up against the record and says whether the draft prints the original’s words (verbatim), changes them (changed), changes their meaning (altered), credits them to the wrong person (misattributed) or quotes something nothing reliable holds (no-record). Never stores the draft. At most 100,000 characters of text and 200 quotations (413 beyond).',
    middleware: [limitBody(MAX_BODY_BYTES), requireDraftMediaType(), cacheable({ key: draftKey, generation: 'handler' })] as const,
    request: {
      body: {
        // Not `required`: zod-openapi would then run the JSON validator on HTML drafts too.
        content: {
          'application/json': { schema: CheckRequestSchema },
          'text/html': { schema: CheckRequestSchema.shape.text.openapi({ description: 'A page holding the draft; its article text is extracted' }) },
        },
      },
    },
    responses: {
      200: { description: 'Every quotation with its status, in document order', content: { 'application/json': { schema: CheckResponseSchema } } },
      ...problemResponses(400, 413, 415),
    },
  }),
  async (c) => {
    let draft: ArticleSource;
    if (mediaTypeOf(c) === 'text/html') {
      draft = await draftFromHtml(c.env, new Uint8Array(await c.req.arrayBuffer()));
    } else {
      const body = c.req.valid('json') as { text: string; title?: string; url?: string; published?: string };
      draft = {
        title: body.title || 'Draft',
        body: body.text,
        ...(body.url ? { url: body.url } : {}),
        ...(body.published ? { published: body.published } : {}),
      };
    }
    try {
      const { text, quotations, counts, generation } = await checkDraft(withCacheTtl(c.env.QS_KV), draft);
      answeredAt(c, generation);
      return c.json({ text, quotations, counts }, 200);
    } catch (err) {
      if (err instanceof DraftTooLargeError) throw new ProblemError('payload-too-large', err.message);
      throw err;
    }
  },
);
