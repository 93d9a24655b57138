/** examples/quickstart.sh: a new team's program from `init` to GO with Phase 8 complete, on two real git repositories. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cutover, overWide, ROOT, tempDir } from '../support/cli.js';

it('quickstart.sh goes from init to GO on runtime-cutover, with Phase 8 started and completed', () => {
  // KEEP=1 leaves the folder (under a temporary TMPDIR) so the program can be read afterwards.
  const run = spawnSync('bash', [join(ROOT, 'examples/quickstart.sh')], {
    env: { PATH: process.env.PATH ?? '', HOME: tempDir(), TMPDIR: tempDir(), KEEP: '1', CUTOVER_BIN: join(ROOT, 'bin/cutover.js') },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  // Each command is printed as typed in the program folder (stderr); what it recorded follows (stdout).
  expect(run.stderr).toContain('$ cutover program define --as integration-program-owner');
  expect(run.stderr).toContain('$ cutover evidence add --kind rollback-execution --party memorykernel --verdict PASS --at-rollback-target --as memorykernel-release-owner');
  expect(run.stdout).toMatch(/recorded seq \d+ evidence\.added .*rollback-execution to v2\.9\.0: PASS/);
  expect(run.stdout).toMatch(/recorded seq \d+ phase\.started .*Phase 8/);
  expect(run.stdout).toMatch(/recorded seq \d+ phase\.completed .*Phase 8: v3\.0\.0 serving all traffic/);
  expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^runtime-cutover: GO \(seq \d+, head sha256:[0-9a-f]{12}\)$/);

  // Afterwards: the promoted baseline is verified, the rollback target shown, and every line fits 100 columns.
  const program = join(/^quickstart folder: (.*)$/m.exec(run.stdout)![1]!, 'program');
  const status = cutover(['-C', program, 'status']).stdout;
  expect(status).toMatch(/^Baseline: v3\.0\.0 @ [0-9a-f]{12} \[service=service\.v3\] \(verified\)$/m);
  expect(status).toMatch(/^Rollback: v2\.9\.0 @ [0-9a-f]{12} /m);
  // rehearsal-continuation was never voted on: NO-GO, both parties pending, with blockers and commands.
  const gate = cutover(['-C', program, 'gate', 'rehearsal-continuation']);
  expect(gate.code).toBe(1);
  expect(gate.stdout).toContain('→ cutover verdict rehearsal-continuation GO');
  for (const text of [status, gate.stdout, cutover(['-C', program, 'gate', 'runtime-cutover']).stdout]) expect(overWide(text)).toEqual([]);
});
