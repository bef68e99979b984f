/**
 * Every response a worker test receives is checked against /openapi.json (ajv, JSON Schema 2020-12
 * as OpenAPI 3.1 uses): its status must be declared for the operation, its media type declared for
 * that status, and its JSON body must validate. A path or method the API does not have must answer
 * a declared error shape (problem+json; Google's on /v1alpha1). Wired into the test helpers `api()`
 * (seed.ts) and `request()` (publish-helpers.ts), so no worker test can see an undeclared response.
 */
import { exports } from 'cloudflare:workers';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

let contract: Promise<Json> | null = null;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

const loadContract = () => (contract ??= exports.default.fetch(new Request('https://qs.test/openapi.json')).then((r: Response) => r.json() as Promise<Json>));

function validator(doc: Json, key: string, schema: Json): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    // $refs in the schema point at #/components: compile it with the document's components beside it.
    v = ajv.compile({ ...schema, components: doc.components });
    compiled.set(key, v);
  }
  return v;
}

const templateRegex = (template: string) => new RegExp(`^${template.replace(/[.+?^$()|[\]\\*]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/** Only the API's own paths are in the contract (the widget bundle and demo pages are not JSON API). */
const API_PATH = /^\/(v1|v1alpha1|healthz|problems)(\/|$)/;

export class ContractViolation extends Error {}

export async function checkContract(request: Request, response: Response): Promise<void> {
  const url = new URL(request.url);
  const path = url.pathname.startsWith('/v1alpha1/') ? url.pathname.replace(/%3A/gi, ':') : url.pathname;
  if (request.method === 'OPTIONS' || !API_PATH.test(path)) return;
  const doc = await loadContract();
  const where = `${request.method} ${url.pathname}${url.search.slice(0, 80)} → ${response.status}`;
  const fail = (message: string) => {
    throw new ContractViolation(`contract: ${where}: ${message}`);
  };
  const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase();
  // As the router: a literal path first (`/v1/claims/search`), else a template with this method (`/v1/claims/{id}`).
  const matching = Object.keys(doc.paths).filter((t) => templateRegex(t).test(path));
  const template = matching.find((t) => doc.paths[t][method] && !t.includes('{')) ?? matching.find((t) => doc.paths[t][method]);
  const operation: Json | undefined = template ? doc.paths[template][method] : undefined;
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const body = request.method === 'HEAD' || response.status === 304 ? '' : await response.clone().text();

  if (!operation) {
    // No such path or method: only the generic errors, in their declared shapes.
    if (![404, 405, 413, 414, 429, 431].includes(response.status)) fail('no operation for this path and method, yet not a 404/405 error');
    if (request.method === 'HEAD') return;
    const google = path.startsWith('/v1alpha1/');
    const schemaName = google ? 'GoogleError' : 'Problem';
    if (type !== (google ? 'application/json' : 'application/problem+json')) fail(`error media type ${type}`);
    const v = validator(doc, schemaName, { $ref: `#/components/schemas/${schemaName}` });
    if (!v(JSON.parse(body))) fail(ajv.errorsText(v.errors));
    return;
  }
  const declared: Json | undefined = operation.responses[String(response.status)] ?? operation.responses.default;
  if (!declared) fail(`status not declared for ${method.toUpperCase()} ${template} (declared: ${Object.keys(operation.responses).join(', ')})`);
  if (response.status === 304 || request.method === 'HEAD') return;
  const content: Json = declared!.content ?? {};
  if (!Object.keys(content).length) {
    if (body) fail('a body where the contract declares none');
    return;
  }
  const media = content[type];
  if (!media) fail(`media type ${type || '(none)'} not declared (declared: ${Object.keys(content).join(', ')})`);
  if (!/json$/.test(type)) return;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    fail('body is not JSON');
  }
  const v = validator(doc, `${template}|${method}|${response.status}|${type}`, media.schema ?? {});
  if (!v(value)) fail(ajv.errorsText(v.errors, { separator: '; ' }));
}

/** `fetch` into the worker with the contract checked on the answer. */
export async function checkedFetch(request: Request): Promise<Response> {
  const response = (await exports.default.fetch(request.clone() as never)) as Response;
  await checkContract(request, response);
  return response;
}
