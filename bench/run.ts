/**
 * `npm run bench`: every quality, speed and size figure, each beside its baseline, written to
 * bench/RESULTS.md (and bench/results.json). Sections live in bench/*.bench.ts.
 */
import { writeFile } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface BenchSection {
  title: string;
  /** Markdown body: tables comparing engine and baseline figures. */
  markdown: string;
  figures: Record<string, unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();
const sections: BenchSection[] = [];
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (only.length && !only.includes(name)) continue;
  console.log(`bench: ${name} …`);
  const started = Date.now();
  const mod = (await import(join(here, file))) as { run: () => Promise<BenchSection> };
  const section = await mod.run();
  console.log(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(section.markdown);
  sections.push(section);
}
const stamp = new Date().toISOString();
const md = [`# QuoteSource benchmark results`, '', `Run: ${stamp}, Node ${process.version}, ${process.platform}/${process.arch}.`, '']
  .concat(sections.map((s) => `## ${s.title}\n\n${s.markdown.trim()}\n`))
  .join('\n');
const out = only.length ? `RESULTS.${only.join('-')}.md` : 'RESULTS.md';
await writeFile(join(here, out), md);
await writeFile(join(here, out.replace(/\.md$/, '.json')), JSON.stringify({ run: stamp, sections }, null, 2));
console.log(`bench: wrote bench/${out}`);
