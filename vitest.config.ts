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
    // Every signature this suite checks, and every one the commands it runs check, goes through
    // libsodium first (src/ledger/strict-ed25519.ts), not only those of ledgers past 64 lines: each
    // tamper, fork and policy test then holds for the fast path. test/cli/signature-checks.e2e.spec.ts
    // runs the other two settings.
    env: { CUTOVER_ED25519: 'libsodium' },
    reporters: ['default', './test/support/contract-suites-reporter.ts'],
  },
});
