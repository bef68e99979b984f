/**
 * The QuoteSource API: middleware, the feature sub-apps (worker/routes/*), the generated OpenAPI
 * document, and the one error handler. `AppType` types `hc<AppType>` clients (widget, tests).
 */
import { publicReadCors } from './middleware/cors';
import { lookupRateLimit } from './middleware/rate-limit';
import { requestLimits } from './middleware/request-limits';
import { securityHeaders } from './middleware/security-headers';
import { problemErrorHandler, problemNotFound } from './middleware/errors';
import { articleRoutes } from './routes/articles';
import { assets } from './routes/assets';
import { checkRoutes } from './routes/check';
import { checkPage } from './routes/check-page';
import { claimRoutes } from './routes/claims';
import { excerptRoutes } from './routes/excerpts';
import { API_VERSION, healthRoutes } from './routes/health';
import { lookupRoutes } from './routes/lookup';
import { problemRoutes } from './routes/problems';
import { publishRoutes, refusePublishPreflight } from './routes/publish';
import { createRouter } from './routes/router';

const app = createRouter();

// PUBLISH (docs/publish.md): size limits first, security headers on everything, publishing never via CORS.
app.use('*', requestLimits());
app.use('*', securityHeaders());
app.use('/v1/articles/*', refusePublishPreflight());
app.use('/v1/*', publicReadCors());
app.use('/v1/*', lookupRateLimit());
app.use('/healthz', publicReadCors());
app.use('/openapi.json', publicReadCors());

const routes = app
  .route('/', healthRoutes)
  .route('/', articleRoutes)
  .route('/', excerptRoutes)
  .route('/', lookupRoutes)
  .route('/', checkRoutes)
  .route('/', claimRoutes)
  .route('/', problemRoutes)
  .route('/', assets)
  .route('/', checkPage)
  .route('/', publishRoutes);

app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN secret' });

app.doc31('/openapi.json', (c) => ({
  openapi: '3.1.0',
  info: {
    title: 'QuoteSource API',
    version: API_VERSION,
    description:
      'Where does this quote come from, and is it quoted right? Quote lookups with misquote detection, article excerpts, ' +
      'claim search (Google Fact Check Tools claims:search shape) and ClaimReview JSON-LD. Errors are RFC 9457 application/problem+json.',
  },
  servers: [{ url: new URL(c.req.url).origin }],
}));

app.onError(problemErrorHandler());
app.notFound(problemNotFound(() => app));

export type AppType = typeof routes;
export { app };
