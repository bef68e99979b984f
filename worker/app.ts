/**
 * The QuoteSource API: middleware, the feature sub-apps (worker/routes/*), the OpenAPI document
 * built from them (routes/openapi.ts), and the one error handler. `AppType` types `hc<AppType>` clients (widget, tests).
 */
import { getPath } from 'hono/utils/url';
import { cacheable } from './middleware/cache';
import { publicReadCors } from './middleware/cors';
import { googleErrors } from './middleware/google-errors';
import { lookupRateLimit } from './middleware/rate-limit';
import { requestLimits } from './middleware/request-limits';
import { securityHeaders } from './middleware/security-headers';
import { problemErrorHandler, problemNotFound } from './middleware/errors';
import { articleRoutes } from './routes/articles';
import { assets } from './routes/assets';
import { checkRoutes } from './routes/check';
import { checkPage } from './routes/check-page';
import { claimRoutes } from './routes/claims';
import { claimPublishRoutes, ClaimInputSchema, ClaimReviewInputSchema } from './routes/claims-publish';
import { excerptRoutes } from './routes/excerpts';
import { findingRoutes } from './routes/findings';
import { googleClaimRoutes } from './routes/google-claims';
import { healthRoutes } from './routes/health';
import { lookupRoutes } from './routes/lookup';
import { problemRoutes } from './routes/problems';
import { publishRoutes, refusePublishPreflight } from './routes/publish';
import { openApiCacheKey, openApiRoutes } from './routes/openapi';
import { createRouter } from './routes/router';
import { forwardToIngest } from './routes/ingest-binding';
import { lexiconLoaded } from './lexicon-loader';
import { sourceRoutes } from './routes/sources';

/**
 * Google's custom-method paths (`/v1alpha1/claims:search`) arrive with the colon percent-encoded from
 * Google's own client libraries (`claims%3Asearch`), which Google's servers treat as the same path;
 * `decodeURI` leaves `%3A` alone, so the router is given the decoded form here.
 */
const googlePath = (request: Request) => {
  const path = getPath(request);
  return path.startsWith('/v1alpha1/') ? path.replace(/%3A/gi, ':') : path;
};

const app = createRouter({ getPath: googlePath });

/** Seconds a client or the edge may reuse /openapi.json before revalidating (it changes with deploys). */
const OPENAPI_MAX_AGE = 3600;

// Google's paths answer errors in Google's shape: outermost, so every problem below is rewritten.
app.use('/v1alpha1/*', googleErrors());
// PUBLISH (docs/publish.md): size limits first, security headers on everything, publishing never via CORS.
app.use('*', requestLimits());
app.use('*', securityHeaders());
app.use('/v1/articles/*', refusePublishPreflight());
app.use('/v1/claims/*', refusePublishPreflight());
app.use('/v1/sources', refusePublishPreflight());
app.use('/v1/sources/*', refusePublishPreflight());
app.use('/v1/*', publicReadCors());
app.use('/v1/*', lookupRateLimit());
// The antonym lexicon is read from the assets on an isolate's first API request, not at start-up.
app.use('/v1/*', lexiconLoaded());
app.use('/v1alpha1/*', lexiconLoaded());
app.use('/v1alpha1/*', publicReadCors());
app.use('/v1alpha1/*', lookupRateLimit());
app.use('/healthz', publicReadCors());
app.use('/openapi.json', publicReadCors());
// The contract changes only with a deployment: cacheable, with an ETag for cheap revalidation. Its
// cache key is the built document's hash and the configured origin (`servers` comes from configuration,
// never the request), so one entry serves every host and a deployment never meets an older document.
const openApiCache = cacheable({ staticMaxAge: OPENAPI_MAX_AGE, key: openApiCacheKey });
// Reads only: another method must reach the router (405), never a cached document.
app.use('/openapi.json', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? openApiCache(c, next) : next()));

const routes = app
  .route('/', healthRoutes)
  .route('/', openApiRoutes)
  .route('/', articleRoutes)
  .route('/', excerptRoutes)
  .route('/', lookupRoutes)
  .route('/', checkRoutes)
  .route('/', findingRoutes)
  .route('/', claimRoutes)
  .route('/', googleClaimRoutes)
  .route('/', problemRoutes)
  .route('/', assets)
  .route('/', checkPage)
  .route('/', publishRoutes)
  .route('/', claimPublishRoutes);

// Sources: validated here (so /openapi.json documents them and bad input stops at the edge), run by
// the ingest worker over the service binding (worker/routes/sources.ts).
app.route(
  '/',
  sourceRoutes({
    put: (c, _id, input) => forwardToIngest(c, input),
    remove: (c) => forwardToIngest(c),
    run: (c) => forwardToIngest(c),
    list: (c) => forwardToIngest(c),
    get: (c) => forwardToIngest(c),
  }),
);

// The two bodies PUT /v1/claims/:id accepts (its schema refers to them with oneOf).
app.openAPIRegistry.register('ClaimInput', ClaimInputSchema);
app.openAPIRegistry.register('ClaimReviewInput', ClaimReviewInputSchema);
app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN secret' });

app.onError(problemErrorHandler());
app.notFound(problemNotFound(() => app));

export type AppType = typeof routes;
export { app };
