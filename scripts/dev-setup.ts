/**
 * Runs before `wrangler dev` (`npm run dev`): loads `seeds/` into wrangler dev's local KV.
 * Idempotent and fast: unchanged articles and claims cost one read each and no writes.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingest } from './ingest';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const totals = await ingest({ target: { kind: 'local' }, paths: [join(projectDir, 'seeds')], projectDir, quiet: true });
console.log(`dev-setup: seeds loaded into local KV in ${Date.now() - started} ms`);
if (totals.failed) process.exit(1);
