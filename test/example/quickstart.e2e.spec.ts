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
  // Printed as typed: an argument with a space keeps its quotes, so the line can be pasted as it is.
  expect(run.stderr).toContain('$ cutover phase close 7 --reason "decision recorded" --as integration-program-owner');
  const verdictLine = run.stderr.split('\n').find((l) => l.startsWith('$ cutover verdict runtime-cutover GO --as memorykernel-release-owner'))!;
  expect(verdictLine).toBe('$ cutover verdict runtime-cutover GO --as memorykernel-release-owner --note "v3.0.0 verified; rollback proven"');
  const argv = spawnSync('bash', ['-c', `set -- ${verdictLine.slice('$ cutover '.length)}; printf '%s\\n' "$@"`], { encoding: 'utf8' }).stdout.trimEnd().split('\n');
  expect(argv).toEqual(['verdict', 'runtime-cutover', 'GO', '--as', 'memorykernel-release-owner', '--note', 'v3.0.0 verified; rollback proven']);
  expect(run.stderr).toContain('$ cutover keys generate --all');
  expect(run.stdout).toMatch(/recorded seq \d+ evidence\.added .*rollback-execution to v2\.9\.0: PASS/);
  expect(run.stdout).toMatch(/recorded seq \d+ phase\.started .*Phase 8/);
  expect(run.stdout).toMatch(/recorded seq \d+ phase\.completed .*Phase 8: v3\.0\.0 serving all traffic/);
  expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^runtime-cutover: GO \(seq \d+, head sha256:[0-9a-f]{12}\)$/);

  // Afterwards: the promoted baseline is verified, the rollback target shown, and every line fits 100 columns.
  const program = join(/^quickstart folder: (.*)$/m.exec(run.stdout)![1]!, 'program');
  const status = cutover(['-C', program, 'status']).stdout;
  expect(status).toMatch(/^Baseline: v3\.0\.0 @ [0-9a-f]{12} \[service=service\.v3\] \(verified\)$/m);
  expect(status).toMatch(/^Rollback: v2\.9\.0 @ [0-9a-f]{12} /m);
  // rehearsal-continuation was never voted on, and closes after Phase 8: closed, its last state pending
  // (not a red NO-GO); runtime-cutover is decided GO.
  expect(status).toMatch(/^ {2}rehearsal-continuation +closed \(pending\) +memorykernel pending · assistsupport pending$/m);
  expect(status.replace(/\s+/g, ' ')).toContain('closed: Phase 8 has ended, so it no longer matters; last: waiting for memorykernel, assistsupport');
  expect(status).toMatch(/^ {2}runtime-cutover +GO +memorykernel GO · assistsupport GO$/m);
  const json = JSON.parse(cutover(['-C', program, 'status', '--json']).stdout) as { decisions: { id: string; outcome: string; state: string; label: string }[] };
  expect(json.decisions.map(({ id, outcome, state, label }) => ({ id, outcome, state, label }))).toEqual([
    { id: 'rehearsal-continuation', outcome: 'NO-GO', state: 'closed', label: 'closed (pending)' },
    { id: 'runtime-cutover', outcome: 'GO', state: 'decided', label: 'GO' },
  ]);
  // gate still answers the outcome (exit 1: it is not GO), in the same words.
  const gate = cutover(['-C', program, 'gate', 'rehearsal-continuation']);
  expect(gate.code).toBe(1);
  expect(gate.stdout).toMatch(/^rehearsal-continuation: closed \(pending\) — 1 blocker; closed: Phase 8 has ended/);
  expect(gate.stdout).toContain('→ cutover verdict rehearsal-continuation GO');
  for (const text of [status, gate.stdout, cutover(['-C', program, 'gate', 'runtime-cutover']).stdout]) expect(overWide(text)).toEqual([]);
});
