/**
 * The production topology under `wrangler dev`, for benches that must tell what the service does to
 * lookups apart from what the local simulator does (faults.bench.ts).
 *
 * Under one `wrangler dev` (npm run dev, startWranglerDev) both workers, the coordinator and the local
 * KV store run on one workerd thread, so every slice the coordinator runs and every value the local KV
 * stores delays the next lookup. In production none of that shares the lookup worker's isolate: the
 * coordinator is a Durable Object with its own, the ingest worker has its own, and KV is a remote
 * service. Here each gets its own workerd process (its own thread), found by the others through a
 * private dev registry:
 *
 * - `kv`: the local KV store (bench/split/kv-service.ts), reached by the others over RPC;
 * - `coordinator`: the public bundle as `quotesource-coordinator`, which defines the IndexCoordinator
 *   (its slices, storage, mirror and alarm run here);
 * - `ingest`: the ingest bundle (HTML extraction, sources), bound to that coordinator;
 * - `public`: the public bundle as `quotesource` on `port`: lookups, `/healthz`, publishes, with its
 *   INDEX_COORDINATOR bound to the coordinator process.
 *
 * Each runs the snapshot's built bundle unchanged, wrapped only so that its `QS_KV` is the KV
 * service's stub (bench/split/with-kv-service.ts); the wrappers are copied into the snapshot, so
 * editing them during a run restarts nothing. The ingest worker gets its queue producers but no
 * consumers or cron: the bench publishes pages, it does not crawl.
 *
 * Still shared, and so still in the figures: the machine's cores (2 on the bench machine, for eight
 * workerd processes — each `wrangler dev` runs its runtime and a proxy in front of it — and the
 * prober), and the KV store's one thread, which serves lookups' reads and the mirror's writes alike.
 * Every KV call is a cross-process RPC (a few ms here), and JSON values are parsed in the KV process:
 * absolute latencies differ from one process's, so compare phases within a topology, not across.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, sleep, startWranglerDev, type DevServer } from './worker-server';

const KV_SERVICE = { binding: 'KV_SERVICE', service: 'quotesource-kv', entrypoint: 'KvService' };
const COORDINATOR_SCRIPT = 'quotesource-coordinator';
const KV_NAMESPACE = { binding: 'QS_KV', id: '00000000000000000000000000000000' };

/** What the four wrangler.json configs share: the root config's runtime version. */
async function runtime() {
  const toml = await readFile(join(ROOT, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date = "([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error('split topology: no compatibility_date in wrangler.toml');
  return { compatibility_date: date, compatibility_flags: ['nodejs_compat'] };
}

/** The four configs, written under `{dir}/split/`: their paths, in start order (the public worker last). */
async function writeConfigs(dir: string, vars: Record<string, string>) {
  const base = await runtime();
  // The wrappers as they are now (wrangler dev watches its entry: a copy is not reloaded by edits).
  const entries = join(dir, 'split', 'entries');
  await cp(join(ROOT, 'bench/split'), entries, { recursive: true });
  const publicVars = { ALLOWED_ORIGINS: '*', PUBLIC_ORIGIN: '', RATE_LIMIT: 'off', RATE_LIMIT_PERIOD: '60', ...vars };
  const publicWorker = (name: string) => ({
    ...base,
    name,
    main: join(entries, 'public-entry.ts'),
    alias: { '#bench-public-bundle': join(dir, 'bundle/index.js') },
    services: [KV_SERVICE, { binding: 'INGEST', service: 'quotesource-ingest' }],
    assets: { directory: join(dir, 'public'), binding: 'ASSETS', run_worker_first: true },
    ratelimits: [{ name: 'LOOKUP_RATE_LIMITER', namespace_id: '1001', simple: { limit: 300, period: 60 } }],
    vars: publicVars,
  });
  const configs = {
    kv: { ...base, name: KV_SERVICE.service, main: join(entries, 'kv-service.ts'), kv_namespaces: [KV_NAMESPACE] },
    coordinator: {
      ...publicWorker(COORDINATOR_SCRIPT),
      durable_objects: { bindings: [{ name: 'INDEX_COORDINATOR', class_name: 'IndexCoordinator' }] },
      migrations: [{ tag: 'v1', new_sqlite_classes: ['IndexCoordinator'] }],
    },
    ingest: {
      ...base,
      name: 'quotesource-ingest',
      main: join(entries, 'ingest-entry.ts'),
      alias: { '#bench-ingest-bundle': join(dir, 'ingest/bundle/index.js') },
      services: [KV_SERVICE],
      durable_objects: {
        bindings: [
          { name: 'INDEX_COORDINATOR', class_name: 'IndexCoordinator', script_name: COORDINATOR_SCRIPT },
          { name: 'SOURCE_LEDGER', class_name: 'SourceLedger' },
          { name: 'HOST_GATE', class_name: 'HostGate' },
        ],
      },
      migrations: [{ tag: 'v1', new_sqlite_classes: ['SourceLedger', 'HostGate'] }],
      queues: {
        producers: [
          { binding: 'SOURCE_QUEUE', queue: 'quotesource-crawl-sources' },
          { binding: 'ITEM_QUEUE', queue: 'quotesource-crawl-items' },
        ],
      },
      vars: { FETCH_ALLOW_LOOPBACK: 'off', FETCH_TIMEOUT_MS: '15000', FETCH_HOST_INTERVAL_MS: '1000', RETRY_BASE_SECONDS: '30', ...vars },
    },
    public: {
      ...publicWorker('quotesource'),
      durable_objects: { bindings: [{ name: 'INDEX_COORDINATOR', class_name: 'IndexCoordinator', script_name: COORDINATOR_SCRIPT }] },
    },
  };
  const paths: { name: keyof typeof configs; path: string }[] = [];
  for (const [name, config] of Object.entries(configs) as [keyof typeof configs, object][]) {
    await mkdir(join(dir, 'split', name), { recursive: true });
    const path = join(dir, 'split', name, 'wrangler.json');
    await writeFile(path, JSON.stringify(config, null, 2));
    paths.push({ name, path });
  }
  return paths;
}

/**
 * Starts the four processes on the snapshot in `dir` (built by buildWorkerSnapshot): the public
 * worker on `port`, the others on the ports after it (two each: HTTP and inspector), each with its
 * own state under `persistTo`. The returned server is the public worker's; stopping it stops all four.
 */
export async function startSplitDev(opts: {
  dir: string;
  port: number;
  persistTo: string;
  vars: Record<string, string>;
  hardStop: number;
}): Promise<DevServer> {
  const configs = await writeConfigs(opts.dir, opts.vars);
  const env = { WRANGLER_REGISTRY_PATH: join(opts.dir, 'split', 'registry'), CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
  const started: DevServer[] = [];
  try {
    for (const [n, { name, path }] of configs.entries()) {
      const port = name === 'public' ? opts.port : opts.port + 2 + 2 * n;
      started.push(
        await startWranglerDev({
          dir: opts.dir,
          port,
          persistTo: join(opts.persistTo, name),
          vars: {},
          hardStop: opts.hardStop,
          configs: [path],
          env,
          anyAnswer: name === 'ingest',
        }),
      );
    }
  } catch (err) {
    for (const server of started) await server.stop();
    throw err;
  }
  // Bindings across processes are resolved through the registry, which each process watches: give the
  // last changes (the ingest worker for the coordinator's, the public worker's for nobody) a moment to land.
  await sleep(2000);
  const publicServer = started[started.length - 1];
  return {
    ...publicServer,
    output: () => started.map((s, i) => `[${configs[i].name}] ${s.output()}`).join('\n'),
    cpuSeconds: () => {
      const used = started.map((s) => s.cpuSeconds());
      return { ...Object.fromEntries(used.map((u, i) => [configs[i].name, u.runtime])), proxies: used.reduce((sum, u) => sum + u.proxy, 0) };
    },
    async stop() {
      for (const server of [...started].reverse()) await server.stop();
    },
  };
}
