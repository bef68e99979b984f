/**
 * `npm run build:widget`: bundles widget/index.ts (Lit in production mode) into one minified ES
 * module, dist/public/widget.js, and fails when it is over the 14 KB gzip budget; and the /check
 * page's script, pages/check.ts, into dist/public/check.js (no Lit: it uses the widget's card
 * through the `<quote-source>` that widget.js puts on the page).
 */
import { build, transform, type Plugin } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

export const WIDGET_OUT = 'dist/public/widget.js';
export const CHECK_PAGE_OUT = 'dist/public/check.js';
export const GZIP_BUDGET = 14 * 1024;

/**
 * Lit records its versions in window globals (litHtmlVersions, …); the widget promises the host
 * no globals besides the element, so those three pushes are dropped from the bundle.
 */
const dropLitVersionGlobals: Plugin = {
  name: 'drop-lit-version-globals',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/](lit-html|lit-element|@lit[\\/]reactive-element)[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replace(/\(\w+\.(litHtmlVersions|litElementVersions|reactiveElementVersions)\?\?=\[\]\)\.push\("[^"]*"\)/g, 'void 0'), loader: 'js' };
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

export async function buildWidget(): Promise<{ bytes: number; gzip: number }> {
  await mkdir('dist/public', { recursive: true });
  const result = await build({
    entryPoints: ['widget/index.ts'],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    platform: 'browser',
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    plugins: [dropLitVersionGlobals, minifyStyles],
    write: false,
  });
  // Minified output keeps newlines only inside template literals (Lit's html`` and css``), where
  // the indentation after them is insignificant whitespace: drop it.
  const code = new TextEncoder().encode(result.outputFiles[0].text.replace(/\n[ \t]+/g, '\n'));
  await writeFile(WIDGET_OUT, code);
  return { bytes: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
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
  const page = await buildCheckPage();
  console.log(`check page: ${CHECK_PAGE_OUT} ${(page.bytes / 1024).toFixed(2)} KB minified`);
  const { bytes, gzip } = await buildWidget();
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  console.log(`widget: ${WIDGET_OUT} ${kb(bytes)} minified, ${kb(gzip)} gzip (${gzip} B; budget ${GZIP_BUDGET} B)`);
  if (gzip > GZIP_BUDGET) {
    console.error(`widget: over the gzip budget by ${gzip - GZIP_BUDGET} B`);
    process.exit(1);
  }
}
