/**
 * Workers KV as a service of its own, for the bench's split topology (bench/split-topology.ts).
 *
 * Under one `wrangler dev`, every worker, the coordinator and the local KV share one workerd thread,
 * so a publish's work shows up in lookup latency in a way it cannot in production, where the
 * coordinator has its own isolate and KV is a remote service. The split topology gives each its own
 * workerd process; this worker owns the local KV store, and the others reach it over RPC through a
 * service binding that stands in for their `QS_KV` (bench/split/with-kv-service.ts).
 *
 * Only the KVNamespace methods the workers call are forwarded, with their arguments as given, so
 * the store does exactly what it would for a direct binding.
 */
import { WorkerEntrypoint } from 'cloudflare:workers';

interface KvServiceEnv {
  QS_KV: KVNamespace;
}

type Get = (key: string | string[], options?: unknown) => Promise<unknown>;

export class KvService extends WorkerEntrypoint<KvServiceEnv> {
  get(key: string | string[], options?: unknown): Promise<unknown> {
    return (this.env.QS_KV.get as Get)(key, options);
  }

  put(key: string, value: string | ArrayBuffer, options?: KVNamespacePutOptions): Promise<void> {
    return this.env.QS_KV.put(key, value, options);
  }

  delete(key: string): Promise<void> {
    return this.env.QS_KV.delete(key);
  }

  list(options?: KVNamespaceListOptions): Promise<KVNamespaceListResult<unknown, string>> {
    return this.env.QS_KV.list(options);
  }
}

export default {
  // Answers anything (the bench waits for /healthz): the store itself is reached only over RPC.
  fetch: () => new Response('the bench KV service: RPC only, through a service binding'),
} satisfies ExportedHandler<KvServiceEnv>;
