/**
 * The last step of /openapi.json: responses every operation can give because middleware in front
 * of all routes gives them (request limits: 413, 414, 431; the error handler: 500), declared once
 * here rather than on each route. On Google's paths they are in Google's error shape.
 * Invariant (checked by tests/worker/contract-check.ts on every response of every worker test):
 * each response's status and media type are declared for its operation, and its body validates.
 */
/** The part of an OpenAPI document this step reads: each path item's operations and their responses. */
interface Operation {
  responses?: Record<string, unknown>;
}

const GLOBAL: Record<number, string> = {
  413: 'Body larger than the API accepts',
  414: 'URL longer than the API accepts',
  431: 'Request headers larger than the API accepts',
  500: 'The worker failed; the error is logged',
};

export function completeContract<Doc extends { paths?: Record<string, object> }>(doc: Doc): Doc {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const google = path.startsWith('/v1alpha1/');
    const schema = { $ref: `#/components/schemas/${google ? 'GoogleError' : 'Problem'}` };
    const mediaType = google ? 'application/json' : 'application/problem+json';
    for (const op of Object.values(item) as (Operation | null)[]) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      for (const [status, description] of Object.entries(GLOBAL)) {
        op.responses[status] ??= { description: `${description} (${google ? 'Google error shape' : 'problem+json'})`, content: { [mediaType]: { schema } } };
      }
    }
  }
  return doc;
}
