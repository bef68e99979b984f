/**
 * End-to-end harness: the real worker (`wrangler dev` on a WIDGET port, seeds ingested into its
 * own local KV directory) and Debian's Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildOpenApi } from '../../scripts/build-openapi';
import { buildCheckPage, buildWidget } from '../../scripts/build-widget';
import { ingest } from '../../scripts/ingest';
import { chromiumLaunch } from '../chromium';

export const PROJECT_DIR = resolve(import.meta.dirname, '../..');

/** The WIDGET engineer's port range; another run of the suite (CI, a colleague) may hold some of it. */
const PORT_RANGE = [8760, 8779] as const;
const taken = new Set<number>();

/** A free port on 127.0.0.1 from the range, not handed out before in this process. */
export async function freePort(): Promise<number> {
  for (let port = PORT_RANGE[0]; port <= PORT_RANGE[1]; port++) {
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((done) => {
      const probe = createServer().once('error', () => done(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${PORT_RANGE.join('-')}`);
}
const PERSIST = '.wrangler/e2e-widget';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ ...chromiumLaunch, headless: true });
}

export interface Worker {
  url: string;
  port: number;
  /** This run's ADMIN_TOKEN (random), for suites that publish through PUT /v1/articles/:id. */
  adminToken: string;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** Local KV directory of this worker (default: the widget suite's). */
  persistTo?: string;
  /** What to ingest before starting (default: the seeds). */
  paths?: string[];
  /** The lookup rate limit (RATE_LIMIT), off unless a run needs the worker's own 429s. */
  rateLimit?: boolean;
}

/** Builds the widget, loads the seeds into a private local KV, starts `wrangler dev`, waits for /healthz. */
export async function startWorker(options: WorkerOptions = {}): Promise<Worker> {
  const persistTo = options.persistTo ?? PERSIST;
  const port = await freePort();
  const inspectorPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(24).toString('hex');
  await buildWidget();
  await buildCheckPage();
  await buildOpenApi();
  await ingest({ target: { kind: 'local', persistTo }, paths: options.paths ?? [resolve(PROJECT_DIR, 'seeds')], projectDir: PROJECT_DIR, quiet: true });
  const child: ChildProcess = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '-c',
      'wrangler.toml',
      '-c',
      'ingest/wrangler.toml',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      persistTo,
      '--inspector-port',
      String(inspectorPort),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      '--var',
      `RATE_LIMIT:${options.rateLimit ? 'on' : 'off'}`,
      '--var',
      `ADMIN_TOKEN:${adminToken}`,
    ],
    { cwd: PROJECT_DIR, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid!, 'SIGTERM'); // wrangler's own children (workerd) too
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-2000)}`);
    try {
      if ((await fetch(`${origin}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer on ${origin} within 90 s:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url: origin, port, adminToken, stop };
}

/** Viewport coordinates of the start and end of `words` inside the element matched by `selector`. */
export const wordsBoxScript = ([selector, words]: [string, string]) => {
  const element = document.querySelector(selector)!;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    const rects = [...range.getClientRects()];
    const first = rects[0];
    const last = rects[rects.length - 1];
    return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
  }
  throw new Error(`"${words}" not found in ${selector}`);
};

let shared: Promise<{ worker: Worker; browser: Browser }> | null = null;

/** One worker and one Chromium for every e2e suite in this process (starting wrangler dev costs ~20 s here). */
export function sharedSetup(): Promise<{ worker: Worker; browser: Browser }> {
  shared ??= (async () => {
    const worker = await startWorker();
    try {
      return { worker, browser: await launchChromium() };
    } catch (error) {
      await worker.stop();
      throw error;
    }
  })();
  return shared;
}

export async function stopShared() {
  if (!shared) return;
  const started = shared;
  shared = null;
  const { worker, browser } = await started.catch(() => ({ worker: null, browser: null }));
  await browser?.close();
  await worker?.stop();
}

/** Publishes articles through the worker's own `PUT /v1/articles/:id` (e.g. the fictional harbour record); throws on any refusal. */
export async function publishThrough(worker: Worker, articles: { id: string; kind?: string }[]): Promise<void> {
  for (const article of articles) {
    const res = await fetch(`${worker.url}/v1/articles/${article.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${worker.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'report', ...article }),
    });
    if (res.status !== 200 && res.status !== 201) throw new Error(`PUT /v1/articles/${article.id}: ${res.status} ${await res.text()}`);
  }
}

/** A page of ours opened in a fresh context, its errors and CSP violations recorded from the first moment. */
export interface Watched {
  page: Page;
  context: BrowserContext;
  errors: string[];
  violations: () => Promise<string[]>;
}

/** Opens `url` (a page carrying the widget) at `height` px tall and waits for the widget to be live. */
export async function openWatched(browser: Browser, url: string, height: number, options: Parameters<Browser['newContext']>[0] = {}): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1100, height }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // The browser's own favicon probe is not the page's doing.
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`console: ${m.text()} ${m.location().url}`));
  // Recorded from the first moment (CDP-injected, so the page's CSP does not apply to it).
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__violations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  await page.goto(url);
  await page.waitForFunction(() => !!document.querySelector('quote-source')?.shadowRoot);
  return { page, context, errors, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
}

/** axe-core's violations on the page as it is now (the page must allow the injected script: CSP bypassed), one line per node. */
export async function axeViolations(page: Page): Promise<{ id: string; nodes: string[] }[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown; failureSummary: string }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary}`) }));
  });
}
