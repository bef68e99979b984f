/**
 * `zod` for the public worker's bundle (wrangler.toml `[alias] zod`): zod's classic API exactly as
 * `import { z } from 'zod'` gives it, without the 40 translated error-message locales (364 KB of
 * the bundle: `z` is a namespace object, so a bundler keeps everything it re-exports) and without
 * `fromJSONSchema`, which nothing here calls. Messages stay English (the default zod registers
 * itself). Tests and the CLI use the real `zod`; the contract tests prove the two answer alike.
 *
 * Keep in step with node_modules/zod/v4/classic/external.js when zod is upgraded.
 */
import * as z from './zod-lean-external';

export * from './zod-lean-external';
export { z, z as default };
