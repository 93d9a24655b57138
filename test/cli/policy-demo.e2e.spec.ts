/**
 * policy-demo.sh, run for real: each governance rule refuses, then allows, and `status --json`
 * shows why after each step. Real git repositories, demo keys, fixed times.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, ROOT, tempDir } from '../support/cli.js';

describe('the scripted governance rules', () => {
  it('policy-demo.sh shows every rule refusing, then allowing, and the ledger still verifies', () => {
    const out = execFileSync('bash', [join(EXAMPLE, 'policy-demo.sh')], { env: { PATH: process.env.PATH ?? '', HOME: tempDir(), CUTOVER_BIN: join(ROOT, 'bin/cutover.js') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const section = (id: string) => out.split('\n== ').find((s) => s.startsWith(`${id}. `))!;
    const verdicts = (s: string) => s.split('\n').filter((l) => /^ {3}(ALLOWED|REFUSED):/.test(l)).map((l) => l.trim().split(':')[0]);

    expect(section('0')).not.toContain('REFUSED');
    expect(verdicts(section('A'))).toEqual(['REFUSED', 'ALLOWED']);
    expect(section('A')).toMatch(/vendor\/memorykernel\/manifest\.json \(blob [0-9a-f]{12}\) differs from the producer's contract\/manifest\.json at v3\.0\.1/);

    expect(section('B')).toContain('memorykernel: 1 of 2, missing 1; may still sign: memorykernel-program-owner');
    expect(section('B')).toContain('runtime-cutover NO-GO');
    expect(section('C')).toContain('not counted: memorykernel-release-owner (publisher)');
    expect(section('C')).toMatch(/2026-02-10T09:03:00\.000Z: runtime-cutover GO\n {5}memorykernel: 2 of 2 \(met\)/);

    expect(section('D')).toMatch(/2026-02-13T08:59:59\.000Z: runtime-cutover GO/);
    expect(section('D')).toMatch(/2026-02-13T09:00:00\.000Z: runtime-cutover NO-GO\n.*memorykernel-security-owner \(expired at 2026-02-13T09:00:00\.000Z\)/);

    expect(verdicts(section('E'))).toEqual(['REFUSED', 'ALLOWED', 'ALLOWED', 'ALLOWED']);
    expect(section('E')).toContain('the cutover window opens at 2026-02-16T08:00:00.000Z (in 1 s); Phase 8 cannot start before');
    expect(section('E')).toContain('window: not-yet-open, opens in 1s');
    expect(section('E')).toContain('approved pairs: v3.0.1 (assistsupport ');

    expect(section('F')).toContain('review of Phase 9: overdue, due 2026-02-23T10:05:00.000Z, overdue by 1s');
    expect(section('F')).toContain('review of Phase 9: pending, due 2026-03-02T11:00:00.000Z');

    expect(verdicts(section('G'))).toEqual(['REFUSED', 'ALLOWED']);
    expect(section('G')).toContain('cannot complete before 2026-03-02T10:05:00.000Z');
    expect(section('G')).toContain('9 complete');

    expect(verdicts(section('H'))).toEqual(['ALLOWED', 'REFUSED', 'ALLOWED', 'ALLOWED']);
    expect(section('H')).toMatch(/the rollback target v2\.9\.0 @ [0-9a-f]{12} is not an approved pair .*approved pairs: v3\.0\.1 @ [0-9a-f]{12} \(assistsupport [0-9a-f]{12}\)/);
    expect(section('H')).toMatch(/approved pairs: v2\.9\.0 \(assistsupport [0-9a-f]{12}\); v3\.0\.1/);

    expect(out).toMatch(/ok: 30 events, chain, signatures and policy verify/);
  });
});
