/**
 * `npm run dev [-- wrangler dev args]`: builds the widget, then runs one `wrangler dev` with both
 * workers — the public one (wrangler.toml, first: it owns the port) and the ingest worker
 * (ingest/wrangler.toml: HTML extraction, sources, cron and queues), wired by their service and
 * Durable Object bindings — on 127.0.0.1:8787 (override with `--port N` / `--ip ADDR`; every other
 * argument goes to wrangler as is), with PUBLIC_ORIGIN set to that address unless `--var
 * PUBLIC_ORIGIN:…` is given. `.dev.vars` serves both: wrangler reads a worker's from beside its
 * config, so ingest/.dev.vars is made a link to it (FETCH_ALLOW_LOOPBACK=on there lets the crawler
 * fetch 127.0.0.1). Cron: `curl 'http://127.0.0.1:8787/cdn-cgi/handler/scheduled'` is not routed to
 * the second worker, so runs are started with `POST /v1/sources/:id/run` (docs/sources.md).
 * `predev` (scripts/dev-setup.ts) has already loaded the seeds into the local KV wrangler dev reads.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, symlinkSync } from 'node:fs';

const DEFAULT_PORT = '8787';
const DEFAULT_IP = '127.0.0.1';

export function wranglerDevArgs(userArgs: string[]): string[] {
  const has = (flag: string) => userArgs.some((a) => a === flag || a.startsWith(`${flag}=`));
  const flagValue = (flag: string, fallback: string) => {
    const i = userArgs.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return fallback;
    return userArgs[i].includes('=') ? userArgs[i].slice(flag.length + 1) : (userArgs[i + 1] ?? fallback);
  };
  // Absolute links in answers come from PUBLIC_ORIGIN only (never the Host header): locally that is this server.
  const setsOrigin = userArgs.some((a, i) => /PUBLIC_ORIGIN[:=]/.test(a) && (a.startsWith('--var') || userArgs[i - 1] === '--var'));
  const origin = `http://${flagValue('--ip', DEFAULT_IP)}:${flagValue('--port', DEFAULT_PORT)}`;
  return [
    'dev',
    ...(has('--config') || has('-c') ? [] : ['-c', 'wrangler.toml', '-c', 'ingest/wrangler.toml']),
    ...(has('--port') ? [] : ['--port', DEFAULT_PORT]),
    ...(has('--ip') ? [] : ['--ip', DEFAULT_IP]),
    ...(setsOrigin ? [] : ['--var', `PUBLIC_ORIGIN:${origin}`]),
    ...userArgs,
  ];
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: {
        // No telemetry, and no fetch of Cloudflare's `request.cf` sample (the worker never reads `cf`):
        // offline it costs a failed DNS lookup and a warning on every start.
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        ...process.env,
      },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await run('npm', ['run', '--silent', 'build:widget']);
  if (built !== 0) {
    console.error('dev: the widget build failed; not starting wrangler dev');
    process.exit(built);
  }
  // One .dev.vars for both workers (see the header).
  if (existsSync('.dev.vars') && !existsSync('ingest/.dev.vars') && !isLink('ingest/.dev.vars')) symlinkSync('../.dev.vars', 'ingest/.dev.vars');
  const args = wranglerDevArgs(process.argv.slice(2));
  console.log(`dev: wrangler ${args.join(' ')}`);
  process.exit(await run('wrangler', args));
}
