/** examples/soak-demo.sh: exporter → Prometheus → analysis → gate, and exporter → Alertmanager → bridge → incident, on loopback. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';

it('soak-demo.sh measures the soak until the gate holds, and turns the alert into one incident identified at startsAt, then a note', () => {
  const run = spawnSync('bash', [join(ROOT, 'examples/soak-demo.sh')], {
    env: { PATH: process.env.PATH ?? '', HOME: tempDir(), TMPDIR: tempDir(), CUTOVER_BIN: join(ROOT, 'bin/cutover.js') },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr + run.stdout).toBe(0);
  const soak = run.stdout.split('\n').filter((l) => l.startsWith('   soak gate: '));
  expect(soak).toHaveLength(2);
  expect(soak[0]).toMatch(/measured of 6s/);
  expect(soak[1]).toBe('   soak gate: holds');
  const declared = /incident\.declared .*identified (\S+): alert HighErrorRate fired at (\S+) \(Alertmanager startsAt\)/.exec(run.stdout);
  expect(declared).not.toBeNull();
  expect(declared![1]).toBe(declared![2]);
  const startsAt = /Alertmanager: HighErrorRate startsAt (\S+)/.exec(run.stdout)![1]!;
  expect(new Date(startsAt).toISOString()).toBe(declared![1]);
  expect(run.stdout).toMatch(/incident\.updated .*alert HighErrorRate resolved at \S+ .*the incident stays open until people close it/);
  expect(run.stdout).toMatch(/open: ALERT-[0-9a-f]{12} SEV-2 identified /);
}, 240_000);
