/**
 * The slice of Workers KV the store uses. The worker passes its real `KVNamespace`; the ingest CLI
 * passes Miniflare's local KV (`--local`), or a MemoryKV that it then writes out as a bulk file.
 */
export interface KV {
  get(key: string, type: 'text'): Promise<string | null>;
  get<T = unknown>(key: string, type: 'json'): Promise<T | null>;
  get(keys: string[], type: 'text'): Promise<Map<string, string | null>>;
  get<T = unknown>(keys: string[], type: 'json'): Promise<Map<string, T | null>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

/** Workers KV reads at most this many keys in one bulk `get`. */
export const KV_BULK_GET_LIMIT = 100;

/** Reads many keys as JSON in as few bulk round trips as KV allows. */
export async function getMany<T>(kv: KV, names: string[]): Promise<Map<string, T | null>> {
  const out = new Map<string, T | null>();
  for (let i = 0; i < names.length; i += KV_BULK_GET_LIMIT) {
    const batch = names.slice(i, i + KV_BULK_GET_LIMIT);
    const got = await kv.get<T>(batch, 'json');
    for (const name of batch) out.set(name, got.get(name) ?? null);
  }
  return out;
}

/** An in-memory KV with the same semantics, for `ingest --out` and for Node tests and benches. */
export class MemoryKV implements KV {
  readonly data = new Map<string, string>();
  reads = 0;
  roundTrips = 0;

  get(key: string, type: 'text'): Promise<string | null>;
  get<T = unknown>(key: string, type: 'json'): Promise<T | null>;
  get(keys: string[], type: 'text'): Promise<Map<string, string | null>>;
  get<T = unknown>(keys: string[], type: 'json'): Promise<Map<string, T | null>>;
  async get(key: string | string[], type: 'text' | 'json'): Promise<unknown> {
    this.roundTrips++;
    const read = (k: string) => {
      this.reads++;
      const raw = this.data.get(k);
      if (raw === undefined) return null;
      return type === 'json' ? JSON.parse(raw) : raw;
    };
    if (Array.isArray(key)) {
      if (key.length > KV_BULK_GET_LIMIT) throw new Error(`bulk get of ${key.length} keys (max ${KV_BULK_GET_LIMIT})`);
      return new Map(key.map((k) => [k, read(k)]));
    }
    return read(key);
  }

  async put(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  async list(options: { prefix?: string; cursor?: string; limit?: number } = {}) {
    const prefix = options.prefix ?? '';
    const limit = options.limit ?? 1000;
    const names = [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
    const start = options.cursor ? Number(options.cursor) : 0;
    const page = names.slice(start, start + limit);
    const done = start + limit >= names.length;
    return { keys: page.map((name) => ({ name })), list_complete: done, cursor: done ? undefined : String(start + limit) };
  }

  /** wrangler's bulk format: `[{"key": ..., "value": ...}]`. */
  toBulk(): { key: string; value: string }[] {
    return [...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }));
  }
}
