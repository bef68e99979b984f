/**
 * The split topology's stand-in for a worker's `QS_KV` binding: the KV service's RPC stub
 * (bench/split/kv-service.ts), which has the same methods, under the same name.
 */
import type { KvService } from './kv-service';

export interface KvServiceBinding {
  KV_SERVICE: Service<KvService>;
}

export function withKvService<E extends { QS_KV: KVNamespace }>(env: E & KvServiceBinding): E {
  return { ...env, QS_KV: env.KV_SERVICE as unknown as KVNamespace };
}
