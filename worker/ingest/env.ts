/**
 * The ingest worker's bindings (ingest/wrangler.toml). Written by hand: `npm run types` generates
 * the public worker's `Env` from the root wrangler.toml only.
 */
import type { IndexCoordinator } from '../coordinator/index-coordinator';
import type { HostGate } from './host-gate';
import type { SourceLedger } from './ledger';
import type { ItemJob, SourceJob } from './jobs';

export interface IngestEnv {
  QS_KV: KVNamespace;
  /** The public worker's coordinator (script_name = "quotesource"): every publish goes through it. */
  INDEX_COORDINATOR: DurableObjectNamespace<IndexCoordinator>;
  SOURCE_LEDGER: DurableObjectNamespace<SourceLedger>;
  HOST_GATE: DurableObjectNamespace<HostGate>;
  SOURCE_QUEUE: Queue<SourceJob>;
  ITEM_QUEUE: Queue<ItemJob>;
  ADMIN_TOKEN?: string;
  /** "on": loopback addresses may be fetched (development and tests only; never in production). */
  FETCH_ALLOW_LOOPBACK?: string;
  /** Per-request time limit in ms (default 15,000). */
  FETCH_TIMEOUT_MS?: string;
  /** Minimum gap between two requests to one host in ms (default 1,000; never lower it for real sites). */
  FETCH_HOST_INTERVAL_MS?: string;
  /** Base of the exponential retry back-off in seconds (default 30). */
  RETRY_BASE_SECONDS?: string;
}
