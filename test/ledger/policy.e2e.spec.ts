/**
 * The ledger enforces its own policy: a signed line that no command would have recorded fails
 * `verify` and every read, and never travels to another copy.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyOfExample, cutover, forgeEvent, ledgerOf } from '../support/cli.js';
import { snapshot } from '../support/snapshot.js';

const LOG_OWNER = 'integration-program-owner';
const AT = '2026-02-09T10:00:00.000Z';

describe('a hand-signed phase.started for Phase 8 on the example (four blockers open)', () => {
  const forged = () => {
    const dir = copyOfExample();
    forgeEvent(dir, LOG_OWNER, { type: 'phase.started', data: { phase: '8' } }, AT);
    return dir;
  };

  it('fails verify with exit 3, naming seq 8 and the unmet gates in the words the CLI uses', () => {
    const dir = forged();
    const run = cutover(['-C', dir, 'verify']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('seq 8 policy: Phase 8');
    expect(run.stderr).toContain('cannot start: 4 entry gates unmet');
    // The same refusal the CLI gives for the command on the honest ledger.
    const honest = cutover(['-C', copyOfExample(), 'phase', 'start', '8', '--as', LOG_OWNER, '--key', join(dir, 'demo-keys', `${LOG_OWNER}.pem`), '--at', AT]);
    expect(honest.code).toBe(1);
    const refusal = honest.stderr.split('\n').find((l) => l.includes('cannot start'))!;
    expect(run.stderr).toContain(refusal.replace(/^.*?Phase 8/, 'Phase 8'));
  });

  it('status exits 3 and shows nothing derived from the bad line', () => {
    const run = cutover(['-C', forged(), 'status', '--json']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('seq 8 policy');
  });

  it('sync --from that copy is refused and changes nothing in the honest copy', () => {
    const bad = forged();
    const honest = copyOfExample();
    const before = snapshot(honest);
    const run = cutover(['-C', honest, 'sync', '--from', bad]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('seq 8 policy');
    expect(snapshot(honest)).toEqual(before);
  });

  it('import-bundle of that copy is refused too', () => {
    const bad = forged();
    const honest = copyOfExample();
    const bundle = join(honest, '..', `bundle-${Date.now()}.json`);
    // export refuses the bad copy itself, so the bundle is made by hand from its lines.
    const lines = ledgerOf(bad).trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1)!) as { seq: number; hash: string; program: string };
    writeFileSync(bundle, JSON.stringify({ version: 1, kind: 'cutover-ledger-bundle', program: last.program, seq: last.seq, head: last.hash, lines }));
    const before = snapshot(honest);
    const run = cutover(['-C', honest, 'import-bundle', bundle]);
    expect(run.code).toBe(3);
    expect(snapshot(honest)).toEqual(before);
  });

  it('a legitimate hand-signed line still verifies: a NO-GO needs no gates', () => {
    const dir = copyOfExample();
    forgeEvent(dir, 'memorykernel-release-owner', { type: 'verdict.cast', data: { decision: 'runtime-cutover', party: 'memorykernel', verdict: 'NO-GO', target: null, note: 'still waiting' } }, AT);
    const run = cutover(['-C', dir, 'verify']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
