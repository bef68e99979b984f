/**
 * How callers reach the IndexCoordinator: its one instance and the shape of its replies. Apart from
 * the class (index-coordinator.ts imports `cloudflare:workers`) so that the routes, and the scripts
 * that load them in Node (scripts/build-openapi.ts), never import the Durable Object runtime.
 */
import type { IndexCoordinator } from './index-coordinator';

export type { CoordinatorReply } from './index-coordinator';

/** The coordinator instance. One object for the whole index: see docs/publish.md "Why one object". */
export const coordinatorFor = (env: { INDEX_COORDINATOR: DurableObjectNamespace<IndexCoordinator> }) => env.INDEX_COORDINATOR.getByName('index');
