/**
 * vitest globalSetup for the worker project: starts the crawl fixture server (127.0.0.1, an ephemeral
 * port) before any workerd test runs, hands its origin to the tests (`inject('fixtureOrigin')`) and to
 * the production-mode ingest worker's outbound service (process.env.QS_FIXTURE_PORT), and stops it after.
 */
import type { TestProject } from 'vitest/node';
// `fixtureOrigin`'s type in vitest's ProvidedContext.
import type {} from './contract';
import { startFixtureServer } from './fixture-server';

export default async function setup(project: TestProject) {
  const server = await startFixtureServer();
  process.env.QS_FIXTURE_PORT = String(server.port);
  project.provide('fixtureOrigin', server.origin);
  return () => server.close();
}
