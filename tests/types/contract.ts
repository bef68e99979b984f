/**
 * One contract: the TypeScript model (worker/core/types.ts) and the zod schemas that validate
 * requests and generate /openapi.json (worker/routes/schemas.ts) must describe the same shapes.
 * This file is only type-checked (`npm run typecheck`, part of `npm test`): any field added, removed,
 * made optional or retyped on one side only fails `tsc` here, naming the type.
 */
import type { z } from 'zod';
import type * as Model from '../../worker/core/types';
import type * as S from '../../worker/routes/schemas';

/** The same shape written out: intersections and Picks flattened, recursively, so only content is compared. */
type Deep<T> = T extends readonly (infer U)[] ? Deep<U>[] : T extends object ? { [K in keyof T]: Deep<T[K]> } : T;
/** True only when A and B are the same type, optional fields included (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends Deep<A> ? 1 : 2) extends <T>() => T extends Deep<B> ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type ContractChecks = [
  Expect<Equal<z.infer<typeof S.ArticleSummarySchema>, Model.ArticleSummary>>,
  Expect<Equal<z.infer<typeof S.ArticleSchema>, Omit<Model.Article, never>>>,
  Expect<Equal<z.infer<typeof S.SpeakerSchema>, Model.Speaker>>,
  Expect<Equal<z.infer<typeof S.QuoteSchema>, Model.Quote>>,
  Expect<Equal<z.infer<typeof S.ReviewSchema>, Model.Review>>,
  Expect<Equal<z.infer<typeof S.ClaimSummarySchema>, Model.ClaimSummary>>,
  Expect<Equal<z.infer<typeof S.ExcerptSchema>, Model.Excerpt>>,
  Expect<Equal<z.infer<typeof S.ClaimSchema>, Model.Claim>>,
  Expect<Equal<z.infer<typeof S.DifferenceSchema>, Model.Difference>>,
  Expect<Equal<z.infer<typeof S.SourceRefSchema>, Model.SourceRef>>,
  Expect<Equal<z.infer<typeof S.AppearanceSchema>, Model.Appearance>>,
  Expect<Equal<z.infer<typeof S.VariantSchema>, Model.Variant>>,
  Expect<Equal<z.infer<typeof S.AppearancesSchema>, Model.Appearances>>,
  Expect<Equal<z.infer<typeof S.MatchSchema>, Model.Match>>,
  Expect<Equal<z.infer<typeof S.LookupResponseSchema>, Model.LookupResponse>>,
];
