/**
 * `npm run build:widget`: bundles widget/index.ts (Lit in production mode) into one minified ES
 * module, dist/public/widget.js, plus modules loaded on demand by `import()` relative to it:
 *  - the card (widget/source-card.ts and what only it uses) → dist/public/widget-card-<hash>.js,
 *    loaded when a trigger or badge first shows. It is built on its own, with its imports of Lit and
 *    of the helpers both share (`lit`, ./api, ./i18n, ./verdict) pointed at widget.js, which
 *    re-exports them: one copy of Lit on the page, and widget.js stays free of a shared chunk;
 *  - one module per language of widget/locales/ → dist/public/widget-<lang>-<hash>.js.
 * Fails when widget.js is over the 14 KB gzip budget or a language over 1.5 KB. Names carry a
 * content hash, so a cached widget.js never meets a card or language of another build.
 * And the /check page's script, pages/check.ts, into dist/public/check.js (no Lit: it opens the
 * widget's card through the `<quote-source>` that widget.js puts on the page).
 * And the antonym lexicon's compact form, dist/public/lexicon/antonyms.txt, which the public worker
 * reads from its ASSETS on first use instead of bundling it (worker/lexicon-deferred.ts; never served).
 * And (from the command line) the OpenAPI document the public worker serves: scripts/build-openapi.ts.
 */
import { build, transform, type BuildOptions, type Plugin } from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeLexicon } from '../worker/core/lexicon/compact';
import { LEXICON_ASSET_PATH } from '../worker/lexicon-deferred';
import { buildOpenApi, OPENAPI_OUT } from './build-openapi';

export const WIDGET_OUT = 'dist/public/widget.js';
export const CHECK_PAGE_OUT = 'dist/public/check.js';
export const GZIP_BUDGET = 14 * 1024;
/** What one language may add (issue 10): its words only, numbers and dates come from Intl. */
export const LOCALE_GZIP_BUDGET = 1.5 * 1024;
/** Language modules are named widget-<lang>-<hash>.js: content-hashed, so they can be cached for good. */
export const LOCALE_FILE = /^widget-[a-z]{2}-[A-Z0-9]{8}\.js$/;
export const CARD_FILE = /^widget-card-[a-f0-9]{8}\.js$/;
/** Every file `GET /widget.js` and the modules it loads may be named (worker/routes/assets.ts serves exactly these). */
export const WIDGET_FILE = /^widget(?:-[a-z]{2}-[A-Z0-9]{8}|-card-[a-f0-9]{8})?\.js$/;

/** In the card build: what the card shares with widget.js comes from widget.js itself. */
const sharedFromMain: Plugin = {
  name: 'card-shares-main',
  setup(b) {
    b.onResolve({ filter: /^(lit|\.\/(api|i18n|verdict))$/ }, () => ({ path: './widget.js', external: true }));
  },
};

/** In the main build: the dynamic import of the card is the separately built, hashed file. */
const cardIsExternal = (file: string): Plugin => ({
  name: 'card-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/source-card$/ }, (args) => (args.kind === 'dynamic-import' ? { path: `./${file}`, external: true } : undefined));
  },
});

/**
 * Lit records its versions in window globals (litHtmlVersions, …); the widget promises the host
 * no globals besides the element, so those three pushes are dropped from the bundle.
 */
const dropLitVersionGlobals: Plugin = {
  name: 'drop-lit-version-globals',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/](lit-html|lit-element|@lit[\\/]reactive-element)[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return {
        contents: source.replace(/\(\w+\.(litHtmlVersions|litElementVersions|reactiveElementVersions)\?\?=\[\]\)\.push\("[^"]*"\)/g, 'void 0'),
        loader: 'js',
      };
    });
  },
};

/** The widget's stylesheets (static css`` literals in *.styles.ts) minified as CSS, which esbuild's JS minifier leaves alone. */
const minifyStyles: Plugin = {
  name: 'minify-widget-styles',
  setup(b) {
    b.onLoad({ filter: /widget[\\/][\w-]+\.styles\.ts$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8');
      for (const [whole, body] of [...source.matchAll(/css`([^`$]*)`/g)]) {
        const { code } = await transform(body, { loader: 'css', minify: true, target: 'chrome111' });
        // Back into a template literal: CSS escapes like \26a0 must stay backslashes, not JS escapes.
        source = source.replace(whole, () => `css\`${code.trim().replace(/\\/g, '\\\\')}\``);
      }
      return { contents: source, loader: 'ts' };
    });
  },
};

export interface WidgetBuild {
  bytes: number;
  gzip: number;
  /** Language → gzip bytes of its module. */
  locales: Record<string, number>;
  /** The card module, loaded when a reader first selects a quote or a badge shows. */
  card: { file: string; gzip: number };
}

const gzipSize = (code: Uint8Array) => gzipSync(code, { level: 9 }).byteLength;

// Minified output keeps newlines only inside template literals (Lit's html`` and css``), where the
// indentation after them is insignificant whitespace: drop it.
const squeeze = (text: string) => new TextEncoder().encode(text.replace(/\n[ \t]+/g, '\n'));

const common = {
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  conditions: ['production'],
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  // Our private members (`_request`, `_card`…) get short names; Lit's own (`_$…`) are left alone.
  mangleProps: /^_[a-z]/,
  // Words in other scripts as UTF-8 (2–3 bytes) rather than \uXXXX escapes (6).
  charset: 'utf8',
  write: false,
} satisfies BuildOptions;

export async function buildWidget(): Promise<WidgetBuild> {
  await mkdir('dist/public/lexicon', { recursive: true });
  const lexicon = JSON.parse(await readFile('worker/core/lexicon/antonyms.json', 'utf8'));
  await writeFile(`dist/public${LEXICON_ASSET_PATH}`, encodeLexicon(lexicon));
  // Modules of earlier builds (other hashes) go: the directory holds exactly this build.
  for (const f of await readdir('dist/public')) if (WIDGET_FILE.test(f) && f !== 'widget.js') await rm(`dist/public/${f}`);
  const mangleCache: Record<string, string | false> = {};
  const card = await build({ ...common, entryPoints: ['widget/source-card.ts'], plugins: [sharedFromMain, minifyStyles], mangleCache });
  const cardCode = squeeze(card.outputFiles![0].text);
  const cardFile = `widget-card-${createHash('sha256').update(cardCode).digest('hex').slice(0, 8)}.js`;
  await writeFile(`dist/public/${cardFile}`, cardCode);
  const result = await build({
    ...common,
    entryPoints: ['widget/index.ts'],
    splitting: true,
    outdir: 'dist/public',
    entryNames: 'widget',
    chunkNames: 'widget-[name]-[hash]',
    plugins: [dropLitVersionGlobals, minifyStyles, cardIsExternal(cardFile)],
    mangleCache: card.mangleCache,
  });
  let main: WidgetBuild | undefined;
  const locales: Record<string, number> = {};
  for (const file of result.outputFiles!) {
    const name = basename(file.path);
    const code = squeeze(file.text);
    if (name !== 'widget.js' && !LOCALE_FILE.test(name)) throw new Error(`widget build: unexpected chunk ${name} (shared code split out of widget.js?)`);
    await writeFile(`dist/public/${name}`, code);
    if (name === 'widget.js') main = { bytes: code.byteLength, gzip: gzipSize(code), locales, card: { file: cardFile, gzip: gzipSize(cardCode) } };
    else locales[name.split('-')[1]] = gzipSize(code);
  }
  if (!main) throw new Error('widget build: no widget.js');
  return main;
}

/** The /check page's script: plain DOM, one small module. */
export async function buildCheckPage(): Promise<{ bytes: number }> {
  await mkdir('dist/public', { recursive: true });
  const result = await build({
    entryPoints: ['pages/check.ts'],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    write: false,
  });
  const code = new TextEncoder().encode(result.outputFiles[0].text);
  await writeFile(CHECK_PAGE_OUT, code);
  return { bytes: code.byteLength };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const contract = await buildOpenApi();
  console.log(`openapi: ${OPENAPI_OUT} ${contract.paths} paths, ${(contract.bytes / 1024).toFixed(1)} KB`);
  const page = await buildCheckPage();
  console.log(`check page: ${CHECK_PAGE_OUT} ${(page.bytes / 1024).toFixed(2)} KB minified`);
  const { bytes, gzip, locales, card } = await buildWidget();
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  console.log(`widget: ${WIDGET_OUT} ${kb(bytes)} minified, ${kb(gzip)} gzip (${gzip} B; budget ${GZIP_BUDGET} B)`);
  console.log(`widget: card dist/public/${card.file} ${card.gzip} B gzip (on first selection)`);
  console.log(
    `widget: languages (gzip, budget ${LOCALE_GZIP_BUDGET} B each): ${Object.entries(locales)
      .map(([l, n]) => `${l} ${n} B`)
      .join(', ')}`,
  );
  let over = false;
  if (gzip > GZIP_BUDGET) {
    console.error(`widget: over the gzip budget by ${gzip - GZIP_BUDGET} B`);
    over = true;
  }
  for (const [lang, size] of Object.entries(locales))
    if (size > LOCALE_GZIP_BUDGET) {
      console.error(`widget: language ${lang} over its gzip budget by ${size - LOCALE_GZIP_BUDGET} B`);
      over = true;
    }
  if (over) process.exit(1);
}
