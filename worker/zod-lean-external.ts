// zod/v4/classic/external.js minus `locales`, `core`, `fromJSONSchema`, `toJSONSchema` and the `compile`
// JIT (see zod-lean.ts): nothing in the worker calls them. Paths into the
// package because its `exports` map hides these modules from bare imports.
// @ts-nocheck — plain re-exports of zod's own modules, typed by zod's declarations at the call sites.
// `core` (z.core) is left out: it re-exports the locales too, and nothing here reads it.
export * from '../node_modules/zod/v4/classic/schemas.js';
export * from '../node_modules/zod/v4/classic/checks.js';
export * from '../node_modules/zod/v4/classic/errors.js';
export * from '../node_modules/zod/v4/classic/parse.js';
export * from '../node_modules/zod/v4/classic/compat.js';
export {
  globalRegistry,
  registry,
  config,
  memoizer,
  $output,
  $input,
  $brand,
  clone,
  regexes,
  treeifyError,
  prettifyError,
  formatError,
  flattenError,
  TimePrecision,
  util,
  NEVER,
  INVALID,
  toZod,
  getDiscriminatedOption,
} from '../node_modules/zod/v4/core/index.js';
export { deepPartial } from '../node_modules/zod/v4/classic/deep-partial.js';
export { input, output } from '../node_modules/zod/v4/classic/in-out.js';
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from '../node_modules/zod/v4/classic/iso.js';
export * as iso from '../node_modules/zod/v4/classic/iso.js';
export * as coerce from '../node_modules/zod/v4/classic/coerce.js';
