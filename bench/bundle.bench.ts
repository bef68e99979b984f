/**
 * `npm run bench bundle`: what every isolate of the public worker loads — its bundle size (raw and
 * gzip, as `wrangler deploy --dry-run` builds it) and the CPU of its start-up (`wrangler check
 * startup`, JS + GC in the profile) — beside a baseline built in the same run from the same code
 * without the public worker's build-time measures (wrangler.toml `[alias]`: zod without locales,
 * the lexicon from the assets, zod-to-openapi without its generator; `minify`). A third build keeps
 * the aliases but is not minified, so the share of each measure shows.
 *
 * The start-up profile is sampled wall time on a shared 2-core machine: each build is profiled
 * STARTUP_RUNS times, interleaved, and the lowest and the median are reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchSection } from './run';
import { workerStamp } from './stamp';

const ROOT = resolve(import.meta.dirname, '..');
/** Why 7: single profiles here varied by tens of milliseconds under load; the lowest of several interleaved runs is what the machine can do, the median what it did. */
const STARTUP_RUNS = 7;
/** The issue's figures for the public worker before any of this (measured on another machine). */
const ISSUE_BEFORE = { gzipKB: 408, startupMs: 73 };

interface Variant {
  name: string;
  /** The wrangler.toml this build uses (a copy of the root one with the measures taken out). */
  config: string;
}

function wrangler(args: string[]): string {
  return execFileSync('npx', ['wrangler', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
}

/** CPU in a V8 CPU profile: samples in JS frames and in the garbage collector (idle and program excluded). */
function profileCpu(profile: { nodes: { id: number; callFrame: { functionName: string } }[]; samples: number[]; timeDeltas: number[] }) {
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let js = 0;
  let gc = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const name = names.get(id);
    if (name === '(garbage collector)') gc += ms;
    else if (name !== '(idle)' && name !== '(program)' && name !== '(root)') js += ms;
  });
  return { js, gc, total: js + gc };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

export async function run(): Promise<BenchSection> {
  const dir = await mkdtemp(join(tmpdir(), 'qs-bench-bundle-'));
  const root = await readFile(join(ROOT, 'wrangler.toml'), 'utf8');
  const withoutMinify = root.replace(/^minify = true\n/m, '').replace(/^upload_source_maps = true\n/m, '');
  const withoutAliases = withoutMinify.replace(/^\[alias\]\n(?:"[^\n]*\n)+/m, '');
  if (withoutMinify === root || withoutAliases === withoutMinify)
    throw new Error('bench bundle: wrangler.toml no longer has the `minify` line or the `[alias]` table this bench takes out');
  // Beside the root config, so that its relative paths (main, assets) mean the same.
  const configs: Variant[] = [
    { name: 'baseline: no build-time measures', config: join(ROOT, '.bench-bundle-baseline.toml') },
    { name: 'aliases, not minified', config: join(ROOT, '.bench-bundle-aliases.toml') },
    { name: 'shipped (wrangler.toml)', config: join(ROOT, 'wrangler.toml') },
  ];
  await writeFile(configs[0].config, withoutAliases);
  await writeFile(configs[1].config, withoutMinify);
  try {
    const sizes = new Map<string, { raw: number; gzip: number; bundle: string }>();
    for (const [i, v] of configs.entries()) {
      const out = join(dir, `out-${i}`);
      wrangler(['deploy', '--dry-run', '-c', v.config, '--outdir', out]);
      const script = await readFile(join(out, 'index.js'));
      const bundle = join(dir, `bundle-${i}`);
      wrangler(['deploy', '--dry-run', '-c', v.config, '--outfile', bundle]);
      sizes.set(v.name, { raw: script.byteLength, gzip: gzipSync(script).byteLength, bundle });
    }
    const startup = new Map<string, { js: number; gc: number; total: number }[]>(configs.map((v) => [v.name, []]));
    for (let run = 0; run < STARTUP_RUNS; run++)
      for (const v of configs) {
        const outfile = join(dir, 'startup.cpuprofile');
        wrangler(['check', 'startup', '-c', v.config, '--worker', sizes.get(v.name)!.bundle, '--outfile', outfile]);
        startup.get(v.name)!.push(profileCpu(JSON.parse(await readFile(outfile, 'utf8'))));
      }

    const rows = configs.map((v) => {
      const size = sizes.get(v.name)!;
      const runs = startup.get(v.name)!;
      const lowest = runs.reduce((a, b) => (b.total < a.total ? b : a));
      return { name: v.name, raw: size.raw, gzip: size.gzip, startupLowest: lowest, startupMedian: median(runs.map((r) => r.total)) };
    });
    const shipped = rows[2];
    const baseline = rows[0];
    const markdown = [
      workerStamp().text,
      '',
      `The public worker (wrangler.toml) as \`wrangler deploy --dry-run\` builds it, and \`wrangler check startup\` on that build: CPU (JS + GC) in the start-up profile, lowest and median of ${STARTUP_RUNS} interleaved runs. Load average at the start: ${(await import('node:os')).loadavg()[0].toFixed(2)} on ${(await import('node:os')).cpus().length} cores.`,
      '',
      '| build | index.js raw | gzip | start-up CPU, lowest (JS + GC) | median |',
      '|---|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${kb(r.raw)} | **${kb(r.gzip)}** | **${ms(r.startupLowest.total)}** (${ms(r.startupLowest.js)} + ${ms(r.startupLowest.gc)}) | ${ms(r.startupMedian)} |`,
      ),
      '',
      `Shipped against the baseline: gzip ${kb(shipped.gzip)} vs ${kb(baseline.gzip)} (${((1 - shipped.gzip / baseline.gzip) * 100).toFixed(0)}% less); start-up ${ms(shipped.startupLowest.total)} vs ${ms(baseline.startupLowest.total)} at the lowest.`,
      `Targets (issue 12, item 4): ≤ 150 KB gzip (${shipped.gzip <= 150 * 1000 ? 'met' : 'NOT met'}: ${shipped.gzip} B), start-up well under the ${ISSUE_BEFORE.startupMs} ms the issue measured before the split (which it put at ${ISSUE_BEFORE.gzipKB} KB gzip).`,
      '',
      'Not in the public worker at all (so in none of these builds): HTML extraction, the crawler — the ingest worker (ingest/wrangler.toml) carries them.',
    ].join('\n');
    return { title: 'Public worker: bundle size and start-up', markdown, figures: { rows, targets: ISSUE_BEFORE, startupRuns: STARTUP_RUNS } };
  } finally {
    await rm(configs[0].config, { force: true });
    await rm(configs[1].config, { force: true });
    await rm(dir, { recursive: true, force: true });
  }
}
