/**
 * The real worker under `wrangler dev` for benches that talk HTTP to it (load.bench.ts, e2e.bench.ts):
 * a private snapshot of the worker (so edits to sources during a run do not restart it), started on
 * 127.0.0.1 with a given persist dir and vars, waited for, measured (workerd RSS) and stopped with
 * its whole process group. Loopback only; every wait is bounded.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST = '127.0.0.1';
export const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
export const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false' };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** fetch with a deadline (an AbortController whose timer is always cleared); the body is read in full. */
export async function fetchWithin(url: string, init: RequestInit, ms: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${ms} ms`)), ms);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    const body = await res.arrayBuffer();
    return new Response(body, { status: res.status, headers: res.headers });
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `{base}/healthz` until it answers 200 (or, with `anyAnswer`, anything at all) or the deadline passes. */
export async function waitForHealth(base: string, deadline: number, anyAnswer = false): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const res = await fetchWithin(`${base}/healthz`, {}, 5000);
      if (res.ok || anyAnswer) return;
    } catch {
      /* not up yet */
    }
    await sleep(500);
  }
  throw new Error(`wrangler dev did not answer on ${base} in time`);
}

/** PIDs of `root` and all its descendants (from /proc). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* exited */
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** RSS in MiB of the workerd processes under `root`. */
export function workerdRssMiB(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!comm.startsWith('workerd')) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      /* exited */
    }
  }
  return kb / 1024;
}

/**
 * CPU seconds (user + system) the workerd processes under `root` have used so far. A `wrangler dev`
 * runs two: the runtime with the workers (started with an inspector address) and the proxy in front
 * of it on the public port, which every request passes through.
 */
export function workerdCpuSeconds(root: number): { runtime: number; proxy: number } {
  const ticks = { runtime: 0, proxy: 0 };
  for (const pid of processTree(root)) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('workerd')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--inspector-addr')) ticks.runtime += used;
      else ticks.proxy += used;
    } catch {
      /* exited */
    }
  }
  return { runtime: ticks.runtime / 100, proxy: ticks.proxy / 100 }; // USER_HZ is 100 on Linux
}

/** SIGTERM to the child's process group (it was spawned detached), SIGKILL 3 s later if still there. */
export function stopGroup(child: ChildProcess) {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 3000).unref();
}

/**
 * A snapshot of the worker (bundle from `wrangler deploy --dry-run`, the widget assets, wrangler.toml
 * pointing at them) in a new private directory under .wrangler/ named `{prefix}XXXXXX`. The caller removes it.
 */
export async function buildWorkerSnapshot(prefix: string): Promise<string> {
  if (!existsSync(join(ROOT, 'dist/public/widget.js'))) {
    const { buildWidget } = await import('../scripts/build-widget');
    await buildWidget();
  }
  await mkdir(join(ROOT, '.wrangler'), { recursive: true }); // absent in a fresh checkout
  const dir = await mkdtemp(join(ROOT, '.wrangler', prefix));
  await promisify(execFile)(WRANGLER, ['deploy', '--dry-run', '--outdir', join(dir, 'bundle')], { cwd: ROOT, env: WRANGLER_ENV, maxBuffer: 64 * 1024 * 1024 });
  await cp(join(ROOT, 'dist/public'), join(dir, 'public'), { recursive: true });
  const toml = (await readFile(join(ROOT, 'wrangler.toml'), 'utf8'))
    .replace(/^main = .*$/m, 'main = "bundle/index.js"\nno_bundle = true')
    .replace(/^directory = "dist\/public"$/m, 'directory = "public"');
  await writeFile(join(dir, 'wrangler.toml'), toml);
  // The ingest worker beside it (HTML extraction, sources): its own bundle and config, same layout.
  await mkdir(join(dir, 'ingest'), { recursive: true });
  await promisify(execFile)(WRANGLER, ['deploy', '--dry-run', '-c', 'ingest/wrangler.toml', '--outdir', join(dir, 'ingest', 'bundle')], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ingestToml = (await readFile(join(ROOT, 'ingest/wrangler.toml'), 'utf8')).replace(/^main = .*$/m, 'main = "bundle/index.js"\nno_bundle = true');
  await writeFile(join(dir, 'ingest', 'wrangler.toml'), ingestToml);
  return dir;
}

export interface DevServer {
  child: ChildProcess;
  base: string;
  /** The last few KB of wrangler's stdout and stderr (for error messages). */
  output(): string;
  /** Stops the whole process group and waits a moment for it to go. */
  stop(): Promise<void>;
  /** CPU seconds used so far by each workerd runtime this server runs, and by the proxies in front of them, by name. */
  cpuSeconds(): Record<string, number>;
}

/**
 * Starts `wrangler dev` on the snapshot in `dir` (127.0.0.1:`port`, inspector on port+1, local state
 * in `persistTo`, extra `vars`), killed at `hardStop` at the latest, and waits until /healthz answers.
 */
export async function startWranglerDev(opts: {
  dir: string;
  port: number;
  persistTo: string;
  vars: Record<string, string>;
  hardStop: number;
  startupMs?: number;
  /** The configs to run, first one on `port` (default: the snapshot's public worker and ingest worker). */
  configs?: string[];
  /** Extra environment for wrangler (e.g. a private dev registry). */
  env?: Record<string, string>;
  /** Up once it answers anything, not only a 200 from /healthz (a worker without routes). */
  anyAnswer?: boolean;
}): Promise<DevServer> {
  const base = `http://${HOST}:${opts.port}`;
  const vars = Object.entries(opts.vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const configs = opts.configs ?? [join(opts.dir, 'wrangler.toml'), join(opts.dir, 'ingest/wrangler.toml')];
  const child = spawn(
    WRANGLER,
    [
      'dev',
      ...configs.flatMap((config) => ['--config', config]),
      '--ip',
      HOST,
      '--port',
      String(opts.port),
      '--inspector-port',
      String(opts.port + 1),
      '--persist-to',
      opts.persistTo,
      ...vars,
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
    ],
    { cwd: opts.dir, detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...WRANGLER_ENV, ...opts.env } },
  );
  let output = '';
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.on('exit', (code, signal) => (output += `\n[wrangler dev exited: ${code ?? signal}]`));
  const killer = setTimeout(() => stopGroup(child), Math.max(0, opts.hardStop - Date.now()));
  const onExit = () => stopGroup(child);
  process.once('exit', onExit);
  const server: DevServer = {
    child,
    base,
    output: () => output,
    cpuSeconds: () => {
      const { runtime, proxy } = workerdCpuSeconds(child.pid!);
      return { runtime, proxy };
    },
    async stop() {
      clearTimeout(killer);
      process.off('exit', onExit);
      stopGroup(child);
      await sleep(1500);
    },
  };
  try {
    await waitForHealth(base, Math.min(opts.hardStop, Date.now() + (opts.startupMs ?? 120_000)), opts.anyAnswer);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return server;
}
