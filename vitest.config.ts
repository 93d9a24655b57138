import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    // CLI tests spawn the built binary and sign real ledgers; give slow CI machines room.
    testTimeout: 60_000,
    // Two files at a time even on two cores (Vitest's default is one fewer than the cores): most
    // files wait on a child process, a database or a browser, so two in flight finish sooner.
    maxWorkers: 2,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/contract-suites-reporter.ts'],
  },
});
