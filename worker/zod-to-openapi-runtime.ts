/**
 * `@asteasolutions/zod-to-openapi` for the public worker's bundle (wrangler.toml `[alias]`): what
 * @hono/zod-openapi needs from it to serve requests, without what only writes the OpenAPI document.
 * The document is generated at build time from the same routes with the real library
 * (scripts/build-openapi.ts) and served from the assets (routes/openapi.ts), so at run time:
 *  - `.openapi(...)` on a schema returns the schema itself: its metadata (names, examples,
 *    parameter locations) only feeds the document. The real one clones the schema and wraps seven of
 *    its methods on every call — most of what the routes' schemas cost at start-up;
 *  - the registry records nothing (it, too, only feeds the document);
 *  - the generators are absent and say so if called.
 * Validation is untouched: @hono/zod-openapi validates requests with zod itself (@hono/zod-validator).
 * Tests and scripts load the real library; tests/worker/read.test.ts generates the document from
 * the code under test and requires the served one to equal it.
 *
 * Keep the exports in step with what node_modules/@hono/zod-openapi/dist/index.mjs imports.
 */
import type { ZodType } from 'zod';

type Schema = ZodType & { openapi?: unknown };

export function extendZodWithOpenApi(zod: { ZodType: { prototype: Schema } }): void {
  if (typeof zod.ZodType.prototype.openapi !== 'undefined') return;
  // A plain (enumerable) assignment, as the real one does: zod copies enumerable prototype members
  // onto each instance it constructs.
  zod.ZodType.prototype.openapi = function openapi(this: Schema) {
    return this;
  };
}

export function getOpenApiMetadata(): Record<string, never> {
  return {};
}

/** The registry @hono/zod-openapi gives every app: nothing to record when no document is generated here. */
export class OpenAPIRegistry {
  readonly definitions: never[] = [];
  register<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerParameter<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerPath(): void {}
  registerWebhook(): void {}
  registerComponent(type: string, name: string): { name: string; ref: { $ref: string } } {
    return { name, ref: { $ref: `#/components/${type}/${name}` } };
  }
}

class NoGeneratorHere {
  constructor() {
    throw new Error('This worker serves the OpenAPI document built by scripts/build-openapi.ts; it does not carry the generator.');
  }
}

export { NoGeneratorHere as OpenApiGeneratorV3, NoGeneratorHere as OpenApiGeneratorV31, NoGeneratorHere as OpenApiGeneratorV32 };
