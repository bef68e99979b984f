/**
 * The QuoteSource API: middleware, the feature sub-apps (worker/routes/*), the generated OpenAPI
 * document, and the one error handler. `AppType` types `hc<AppType>` clients (widget, tests).
 */
import { publicReadCors } from './middleware/cors';
import { problemErrorHandler, problemNotFound } from './middleware/errors';
import { articleRoutes } from './routes/articles';
import { assets } from './routes/assets';
import { claimRoutes } from './routes/claims';
import { excerptRoutes } from './routes/excerpts';
import { API_VERSION, healthRoutes } from './routes/health';
import { lookupRoutes } from './routes/lookup';
import { problemRoutes } from './routes/problems';
import { createRouter } from './routes/router';

const app = createRouter();

app.use('/v1/*', publicReadCors());
app.use('/healthz', publicReadCors());
app.use('/openapi.json', publicReadCors());

const routes = app
  .route('/', healthRoutes)
  .route('/', articleRoutes)
  .route('/', excerptRoutes)
  .route('/', lookupRoutes)
  .route('/', claimRoutes)
  .route('/', problemRoutes)
  .route('/', assets);

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
