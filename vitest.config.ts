import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    // CLI tests spawn the built binary and sign real ledgers; give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/contract-suites-reporter.ts'],
  },
});
