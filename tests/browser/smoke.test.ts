import { test, expect } from 'vitest';
test('browser', () => expect(navigator.userAgent).toContain('Chrome'));
