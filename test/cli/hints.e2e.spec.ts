/** Refusals print what to do next: the full SHA from git, how to declare an incident. Nothing is recorded. */
import { expect, it } from 'vitest';
import { as, copyOfExample, cutover, ledgerOf } from '../support/cli.js';

it('a short SHA is refused with the git rev-parse that prints the full one', () => {
  const dir = copyOfExample();
  const before = ledgerOf(dir);
  const run = cutover(['-C', dir, 'target', 'publish', '--tag', 'v3.0.0', '--sha', 'e2401bb', '--contract', 'service=service.v3', ...as('memorykernel-release-owner', '2026-02-09T09:00:00Z')]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('expected a full 40-hex lowercase commit SHA, found "e2401bb"');
  expect(run.stderr).toContain("  hint: print the full SHA in the repository: git rev-parse 'e2401bb^{commit}'\n");
  expect(ledgerOf(dir)).toBe(before);
});

it('a step of an incident nobody declared says how to declare it', () => {
  const dir = copyOfExample();
  const run = cutover(['-C', dir, 'incident', 'notify', 'INC-7', ...as('memorykernel-incident-commander', '2026-02-09T09:00:00Z')]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('unknown incident "INC-7"');
  expect(run.stderr).toMatch(/ {2}hint: declare it first: cutover incident declare --trigger <[a-z|-]+> --severity SEV-n --summary "…" --id INC-7 --as memorykernel-incident-commander\n/);
});
