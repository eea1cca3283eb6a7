import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn real processes and servers; a loaded 2-core machine needs room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/support/fail-on-warning.ts', 'test/support/remove-temp-dirs.ts'],
    globalSetup: ['test/support/temp-check.ts'],
  },
});
