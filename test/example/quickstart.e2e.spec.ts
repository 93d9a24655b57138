/** examples/quickstart.sh: a new team's program from `init` to GO with Phase 8 complete, on two real git repositories. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';

it('quickstart.sh goes from init to GO on runtime-cutover, with Phase 8 started and completed', () => {
  const run = spawnSync('bash', [join(ROOT, 'examples/quickstart.sh')], {
    env: { PATH: process.env.PATH ?? '', HOME: tempDir(), CUTOVER_BIN: join(ROOT, 'bin/cutover.js') },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  // Each command is printed as typed in the program folder (stderr); what it recorded follows (stdout).
  expect(run.stderr).toContain('$ cutover program define --as integration-program-owner');
  expect(run.stdout).toMatch(/recorded seq \d+ evidence\.added .*rollback-execution to v2\.9\.0: PASS/);
  expect(run.stdout).toMatch(/recorded seq \d+ phase\.started .*Phase 8/);
  expect(run.stdout).toMatch(/recorded seq \d+ phase\.completed .*Phase 8: v3\.0\.0 serving all traffic/);
  expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^runtime-cutover: GO \(seq \d+, head sha256:[0-9a-f]{12}\)$/);
});
