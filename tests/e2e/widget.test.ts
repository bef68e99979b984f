/**
 * The widget end to end: one real worker (wrangler dev, seed in local KV) and one Chromium shared
 * by the suites below, started once.
 */
import { afterAll } from 'vitest';
import { stopShared } from './harness';
import './demo.suite';
import './hostile-hosts.suite';
import './check-page.suite';
import './check-cli-remote.suite';

afterAll(stopShared);
