/**
 * Every sub-app is an OpenAPIHono made here, so validation failures everywhere become the same
 * 400 problem+json naming each bad field (zod-openapi `defaultHook`).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { ProblemError } from '../middleware/problem';

export type AppEnv = { Bindings: Env };

const WHERE: Record<string, string> = { param: 'path', query: 'query', json: 'body', header: 'header' };

export function validationProblem(error: ZodError, target: string): ProblemError {
  const errors = error.issues.map((issue) => ({
    path: [WHERE[target] ?? target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return new ProblemError('invalid-request', detail || 'The request is not valid.', { errors });
}

export function createRouter(options: { getPath?: (request: Request) => string } = {}) {
  return new OpenAPIHono<AppEnv>({
    ...options,
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error as ZodError, result.target);
    },
  });
}
