/**
 * `npm run dev [-- wrangler dev args]`: builds the widget, then runs `wrangler dev` on
 * 127.0.0.1:8787 (override with `--port N` / `--ip ADDR`; every other argument goes to wrangler as is),
 * with PUBLIC_ORIGIN set to that address unless `--var PUBLIC_ORIGIN:…` is given.
 * `predev` (scripts/dev-setup.ts) has already loaded the seeds into the local KV wrangler dev reads.
 */
import { spawn } from 'node:child_process';

const DEFAULT_PORT = '8787';
const DEFAULT_IP = '127.0.0.1';

export function wranglerDevArgs(userArgs: string[]): string[] {
  const has = (flag: string) => userArgs.some((a) => a === flag || a.startsWith(`${flag}=`));
  const valueOf = (flag: string, fallback: string) => {
    const i = userArgs.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return fallback;
    return userArgs[i].includes('=') ? userArgs[i].slice(flag.length + 1) : (userArgs[i + 1] ?? fallback);
  };
  // Absolute links in answers come from PUBLIC_ORIGIN only (never the Host header): locally that is this server.
  const setsOrigin = userArgs.some((a, i) => /PUBLIC_ORIGIN[:=]/.test(a) && (a.startsWith('--var') || userArgs[i - 1] === '--var'));
  const origin = `http://${valueOf('--ip', DEFAULT_IP)}:${valueOf('--port', DEFAULT_PORT)}`;
  return [
    'dev',
    ...(has('--port') ? [] : ['--port', DEFAULT_PORT]),
    ...(has('--ip') ? [] : ['--ip', DEFAULT_IP]),
    ...(setsOrigin ? [] : ['--var', `PUBLIC_ORIGIN:${origin}`]),
    ...userArgs,
  ];
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
  const args = wranglerDevArgs(process.argv.slice(2));
  console.log(`dev: wrangler ${args.join(' ')}`);
  process.exit(await run('wrangler', args));
}
