/**
 * `npm run bench [name…]`: quality, speed, size and load figures, each beside its baseline from the
 * same run. Sections live in bench/*.bench.ts; each run writes bench/RESULTS.<name>.md/.json, and
 * bench/RESULTS.md gathers the latest result of every section (each stamped with its own run time).
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchSection {
  title: string;
  /** Markdown body: tables comparing engine and baseline figures. */
  markdown: string;
  figures: Record<string, unknown>;
}

interface SectionResult {
  run: string;
  node: string;
  seconds: number;
  sections: BenchSection[];
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const unknown = only.filter((n) => !names.includes(n));
if (unknown.length) {
  console.error(`bench: no such section: ${unknown.join(', ')} (have: ${names.join(', ')})`);
  process.exit(2);
}

for (const name of names) {
  if (only.length && !only.includes(name)) continue;
  console.log(`bench: ${name} …`);
  const started = Date.now();
  const mod = (await import(join(here, `${name}.bench.ts`))) as { run: () => Promise<BenchSection> };
  const section = await mod.run();
  const result: SectionResult = {
    run: new Date().toISOString(),
    node: process.version,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    sections: [section],
  };
  console.log(`bench: ${name} done in ${result.seconds} s`);
  console.log(section.markdown);
  const header = `# QuoteSource benchmark results: ${name}\n\nRun: ${result.run}, Node ${result.node}, ${process.platform}/${process.arch}, ${result.seconds} s.\n`;
  await writeFile(join(here, `RESULTS.${name}.md`), `${header}\n## ${section.title}\n\n${section.markdown.trim()}\n`);
  await writeFile(join(here, `RESULTS.${name}.json`), JSON.stringify(result, null, 2));
}

// Gather the newest result of every section into one file.
const gathered: string[] = [
  '# QuoteSource benchmark results',
  '',
  'Each section is the latest `npm run bench <section>` run, stamped with its run time; figures from this 2-core machine.',
  '',
];
for (const name of names) {
  let result: SectionResult;
  try {
    result = JSON.parse(await readFile(join(here, `RESULTS.${name}.json`), 'utf8')) as SectionResult;
  } catch {
    gathered.push(`## ${name}`, '', `_Not run yet: \`npm run bench ${name}\`._`, '');
    continue;
  }
  for (const section of result.sections) {
    gathered.push(
      `## ${section.title}`,
      '',
      `_\`npm run bench ${name}\`, run ${result.run}, Node ${result.node ?? '?'}, ${result.seconds ?? '?'} s._`,
      '',
      section.markdown.trim(),
      '',
    );
  }
}
await writeFile(join(here, 'RESULTS.md'), gathered.join('\n'));
console.log('bench: wrote bench/RESULTS.md');
