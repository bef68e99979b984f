/**
 * The ingest worker's built bundle (`#bench-ingest-bundle`, aliased by bench/split-topology.ts;
 * typechecked against worker/ingest/index.ts) with its KV reached through the KV service.
 */
import IngestWorker from '#bench-ingest-bundle';
import type { IngestEnv } from '../../worker/ingest/env';
import { type KvServiceBinding, withKvService } from './with-kv-service';

export default class SplitIngestWorker extends IngestWorker {
  constructor(ctx: ExecutionContext, env: IngestEnv & KvServiceBinding) {
    super(ctx, withKvService(env));
  }
}

export { HostGate, SourceLedger } from '#bench-ingest-bundle';
