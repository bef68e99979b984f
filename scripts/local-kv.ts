/**
 * KV backends for the ingest CLI (Node only; never imported by the worker):
 * - `openLocalKV()`: the SAME local storage `wrangler dev` reads (`.wrangler/state/v3/kv`, the namespace
 *   id from wrangler.toml), opened through Miniflare.
 * - `RemoteKV`: the deployed namespace through `wrangler kv … --remote`: reads with `kv bulk get`,
 *   buffers writes and deletes, then `flush()` sends them with `kv bulk put` / `kv bulk delete`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { KV } from '../worker/store/kv';
import { KV_BULK_GET_LIMIT } from '../worker/store/kv';

const run = promisify(execFile);

export const KV_BINDING = 'QS_KV';

/** The namespace id of the QS_KV binding in wrangler.toml (wrangler dev keys its local storage by it). */
export async function namespaceIdFromWranglerToml(projectDir: string, binding = KV_BINDING): Promise<string> {
  const toml = await readFile(join(projectDir, 'wrangler.toml'), 'utf8');
  for (const block of toml.split(/\[\[\s*kv_namespaces\s*\]\]/).slice(1)) {
    const body = block.split(/\n\s*\[/)[0];
    if (new RegExp(`binding\\s*=\\s*"${binding}"`).test(body)) {
      const id = /\bid\s*=\s*"([^"]+)"/.exec(body)?.[1];
      if (id) return id;
    }
  }
  throw new Error(`wrangler.toml has no [[kv_namespaces]] entry with binding = "${binding}" and an id`);
}

/** Adapts a KVNamespace-like object whose `get` takes one key (Miniflare's proxy) to the store's KV. */
function adapt(ns: {
  get(key: string, type: 'text'): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(o?: { prefix?: string; cursor?: string; limit?: number }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}): KV {
  const getText = (key: string) => ns.get(key, 'text');
  const kv = {
    async get(key: string | string[], type: 'text' | 'json') {
      const parse = (raw: string | null) => (raw === null ? null : type === 'json' ? JSON.parse(raw) : raw);
      if (Array.isArray(key)) {
        const values = await Promise.all(key.map(getText));
        return new Map(key.map((k, i) => [k, parse(values[i])]));
      }
      return parse(await getText(key));
    },
    put: (key: string, value: string) => ns.put(key, value),
    delete: (key: string) => ns.delete(key),
    async list(o?: { prefix?: string; cursor?: string; limit?: number }) {
      const r = await ns.list(o);
      return { keys: r.keys.map((k) => ({ name: k.name })), list_complete: r.list_complete, cursor: r.list_complete ? undefined : r.cursor };
    },
  };
  return kv as unknown as KV;
}

export interface LocalKV {
  kv: KV;
  dispose(): Promise<void>;
  persistDir: string;
  namespaceId: string;
}

/** Opens wrangler dev's local KV (`{projectDir}/.wrangler/state/v3/kv`) through Miniflare. */
export async function openLocalKV(projectDir = process.cwd(), persistTo?: string): Promise<LocalKV> {
  const { Miniflare } = await import('miniflare');
  const namespaceId = await namespaceIdFromWranglerToml(projectDir);
  const persistDir = resolve(projectDir, persistTo ?? '.wrangler/state', 'v3/kv');
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 204 }); } }',
    kvNamespaces: { [KV_BINDING]: namespaceId },
    kvPersist: persistDir,
  });
  const ns = await mf.getKVNamespace(KV_BINDING);
  return { kv: adapt(ns as never), dispose: () => mf.dispose(), persistDir, namespaceId };
}

/** The project's own wrangler (so it works from any cwd), else whatever npx finds. */
const PROJECT_WRANGLER = join(import.meta.dirname ?? '.', '../node_modules/.bin/wrangler');

/** Runs wrangler and returns stdout; throws with the end of its stderr on failure. */
async function wrangler(args: string[], cwd: string): Promise<string> {
  try {
    const [cmd, pre] = existsSync(PROJECT_WRANGLER) ? [PROJECT_WRANGLER, []] : ['npx', ['wrangler']];
    const { stdout } = await run(cmd, [...pre, ...args], { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`wrangler ${args.slice(0, 3).join(' ')} failed: ${(err.stderr || err.stdout || err.message).trim().split('\n').slice(-5).join(' ')}`);
  }
}

/**
 * The deployed namespace via wrangler (`--remote`). Reads go to Cloudflare in bulk (≤100 keys per
 * `kv bulk get`) and are cached; writes and deletes are buffered (later reads see them) and sent by
 * `flush()` in bulk. `list` is not needed by ingestion and reads from Cloudflare directly.
 */
export class RemoteKV implements KV {
  private cache = new Map<string, string | null>();
  private pendingPuts = new Map<string, string>();
  private pendingDeletes = new Set<string>();
  roundTrips = 0;

  constructor(
    private projectDir = process.cwd(),
    private location: '--remote' | '--local' = '--remote',
  ) {}

  private async fetchMany(names: string[]): Promise<void> {
    const missing = [...new Set(names.filter((k) => !this.cache.has(k)))];
    for (let i = 0; i < missing.length; i += KV_BULK_GET_LIMIT) {
      const batch = missing.slice(i, i + KV_BULK_GET_LIMIT);
      const dir = await mkdtemp(join(tmpdir(), 'qs-kv-'));
      try {
        const file = join(dir, 'keys.json');
        await writeFile(file, JSON.stringify(batch));
        this.roundTrips++;
        const out = await wrangler(['kv', 'bulk', 'get', file, '--binding', KV_BINDING, this.location], this.projectDir);
        const values = parseBulkGetOutput(out);
        for (const k of batch) this.cache.set(k, values[k] ?? null);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }

  get(key: string, type: 'text'): Promise<string | null>;
  get<T = unknown>(key: string, type: 'json'): Promise<T | null>;
  get(keys: string[], type: 'text'): Promise<Map<string, string | null>>;
  get<T = unknown>(keys: string[], type: 'json'): Promise<Map<string, T | null>>;
  async get(key: string | string[], type: 'text' | 'json'): Promise<unknown> {
    const names = Array.isArray(key) ? key : [key];
    await this.fetchMany(names);
    const read = (k: string) => {
      const raw = this.cache.get(k) ?? null;
      return raw === null ? null : type === 'json' ? JSON.parse(raw) : raw;
    };
    return Array.isArray(key) ? new Map(key.map((k) => [k, read(k)])) : read(key);
  }

  async put(key: string, value: string): Promise<void> {
    this.cache.set(key, value);
    this.pendingPuts.set(key, value);
    this.pendingDeletes.delete(key);
  }

  async delete(key: string): Promise<void> {
    this.cache.set(key, null);
    this.pendingPuts.delete(key);
    this.pendingDeletes.add(key);
  }

  async list(options: { prefix?: string; cursor?: string; limit?: number } = {}) {
    const args = ['kv', 'key', 'list', '--binding', KV_BINDING, this.location];
    if (options.prefix) args.push('--prefix', options.prefix);
    const listed = JSON.parse(await wrangler(args, this.projectDir)) as { name: string }[];
    const names = new Set(listed.map((k) => k.name).filter((k) => !this.pendingDeletes.has(k)));
    for (const k of this.pendingPuts.keys()) if (k.startsWith(options.prefix ?? '')) names.add(k);
    return { keys: [...names].sort().map((name) => ({ name })), list_complete: true };
  }

  /** Sends buffered writes (`kv bulk put`) and deletes (`kv bulk delete --force`). */
  async flush(): Promise<{ written: number; deleted: number }> {
    const puts = [...this.pendingPuts].map(([key, value]) => ({ key, value }));
    const deletes = [...this.pendingDeletes];
    const dir = await mkdtemp(join(tmpdir(), 'qs-kv-'));
    try {
      // Workers KV bulk writes take at most 10,000 pairs per request; wrangler splits larger files itself.
      if (puts.length) {
        const file = join(dir, 'put.json');
        await writeFile(file, JSON.stringify(puts));
        await wrangler(['kv', 'bulk', 'put', file, '--binding', KV_BINDING, this.location], this.projectDir);
      }
      if (deletes.length) {
        const file = join(dir, 'delete.json');
        await writeFile(file, JSON.stringify(deletes));
        await wrangler(['kv', 'bulk', 'delete', file, '--binding', KV_BINDING, this.location, '--force'], this.projectDir);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    this.pendingPuts.clear();
    this.pendingDeletes.clear();
    return { written: puts.length, deleted: deletes.length };
  }
}

/** `wrangler kv bulk get` prints a JSON object `{ key: { value: string | null, metadata? } }` after its beta warning. */
export function parseBulkGetOutput(stdout: string): Record<string, string | null> {
  const start = stdout.search(/^\{/m);
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error(`unexpected output from wrangler kv bulk get: ${stdout.slice(0, 200)}`);
  const parsed = JSON.parse(stdout.slice(start, end + 1)) as Record<string, unknown>;
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(parsed)) {
    const value = v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v;
    out[k] = value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}
