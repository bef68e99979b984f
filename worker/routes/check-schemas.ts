/** Zod schemas of the quote check (`POST /v1/check`): they validate the draft and generate `/openapi.json`, mirroring core/check.ts. */
import { z } from '@hono/zod-openapi';
import { CHECK_STATUSES } from '../core/check';
import { ARTICLE_FIELD_POLICY, ARTICLE_TEXT_POLICY, rejectHostileText } from '../core/validate';
import { DifferenceSchema, SelectorSchema, SpeakerSchema } from './schemas';

export const CheckRequestSchema = z
  .object({
    text: z
      .string()
      .refine((t) => t.trim().length > 0, 'the draft is empty; send its text')
      .superRefine(rejectHostileText(ARTICLE_TEXT_POLICY))
      .openapi({
        description:
          'The draft: paragraphs separated by blank lines, quotations in quotation marks (or a transcript with speaker turns). At most 100,000 characters.',
      }),
    title: z.string().max(500).superRefine(rejectHostileText(ARTICLE_FIELD_POLICY)).optional(),
    url: z.string().max(2048).optional().openapi({
      description: "Where the draft will be (or is) published: when the record already holds that page, it is never cited as the draft's own source",
    }),
    published: z.string().max(40).optional().openapi({ description: 'Publication date (ISO); defaults to none' }),
  })
  .openapi('CheckRequest');

export const CheckStatusSchema = z.enum(CHECK_STATUSES as [string, ...string[]]).openapi('CheckStatus', {
  description:
    'verbatim: the original’s words; changed: words differ, no change of meaning flagged; altered: a meaning-changing difference (negation, number, quantifier); misattributed: on record from someone else; no-record: nothing reliable holds these words',
});

export const CheckOriginalSchema = z
  .object({
    kind: z.enum(['primary', 'earliest-report']),
    speaker: SpeakerSchema.optional(),
    title: z.string(),
    publisher: z.string(),
    published: z.string(),
    url: z.string(),
    articleId: z.string(),
    excerptId: z.string(),
    exact: z.string().openapi({ description: "The original's words" }),
  })
  .openapi('CheckOriginal');

export const CheckedQuotationSchema = z
  .object({
    start: z.number().int().openapi({ description: 'Offset in `text` (the extracted draft)' }),
    end: z.number().int(),
    text: z.string().openapi({ description: 'The quotation as the draft prints it: text.slice(start, end)' }),
    speaker: z.string().openapi({ description: "Who the draft credits ('' when nobody)" }),
    selector: SelectorSchema.openapi({
      description:
        'What was looked up: the words and their context in the draft. POST it to /v1/lookup for the full Match (the /check page does, for its card).',
    }),
    status: CheckStatusSchema,
    score: z.number().min(0).max(1).optional().openapi({ description: 'Calibrated confidence of the match (absent for no-record)' }),
    original: CheckOriginalSchema.optional(),
    differences: z.array(DifferenceSchema).openapi({ description: "From the original's words to the draft's (offsets in the original's paragraph)" }),
    misattribution: z.object({ credited: z.string(), original: z.string() }).optional(),
    appearances: z
      .object({ count: z.number().int(), wordings: z.number().int() })
      .optional()
      .openapi({ description: 'Reports printing these words, in how many wordings' }),
  })
  .openapi('CheckedQuotation');

export const CheckResponseSchema = z
  .object({
    text: z.string().openapi({ description: "The draft's extracted text: paragraphs joined by a blank line" }),
    quotations: z.array(CheckedQuotationSchema).openapi({ description: 'In document order' }),
    counts: z.object(Object.fromEntries(CHECK_STATUSES.map((s) => [s, z.number().int()])) as Record<string, z.ZodNumber>),
  })
  .openapi('CheckResponse');
