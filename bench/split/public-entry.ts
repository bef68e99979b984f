/**
 * The public worker's built bundle (`#bench-public-bundle`, aliased by bench/split-topology.ts to the
 * snapshot's bundle; typechecked against worker/index.ts) with its KV reached through the KV service.
 * The split topology runs it twice: as the public worker (lookups, publishes, its coordinator bound
 * from the other process) and as the coordinator's own process.
 */
import app, { IndexCoordinator as Coordinator } from '#bench-public-bundle';
import { type KvServiceBinding, withKvService } from './with-kv-service';

type SplitEnv = Env & KvServiceBinding;

export default {
  fetch: (request, env, ctx) => app.fetch(request, withKvService(env), ctx),
} satisfies ExportedHandler<SplitEnv>;

export class IndexCoordinator extends Coordinator {
  constructor(ctx: DurableObjectState, env: SplitEnv) {
    super(ctx, withKvService(env));
  }
}
