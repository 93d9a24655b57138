/**
 * Lists, at the end of a run, each store's run of the shared contract suites (the LedgerStore
 * conformance suite and the checkpoint shelf suite) with its counts: the proof in the test output
 * that every store ran all of it.
 */
import type { Reporter, TestModule } from 'vitest/node';

const CONTRACTS = /: (LedgerStore conformance|CheckpointShelf)$/;

export default class ContractSuitesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      for (const suite of module.children.allSuites()) {
        if (!CONTRACTS.test(suite.name)) continue;
        const tests = [...suite.children.allTests()];
        const passed = tests.filter((t) => t.result().state === 'passed').length;
        lines.push(`  ${passed === tests.length ? '✓' : '✗'} ${suite.name}: ${passed} of ${tests.length} passed`);
      }
    }
    if (lines.length > 0) process.stdout.write(`\nContract suites, one run per store:\n${lines.join('\n')}\n`);
  }
}
