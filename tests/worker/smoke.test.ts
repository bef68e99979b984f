import { exports } from 'cloudflare:workers';
import { test, expect } from 'vitest';
test('healthz', async () => {
  const res = await exports.default.fetch('http://x/healthz');
  expect(res.status).toBe(200);
});
