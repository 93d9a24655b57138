import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/domain/evaluate.js';
import type { GateDefinition } from '../../src/program/schema.js';
import { blockerGates, C, P, programFixture, ROLE, Scenario, SHA_A, SHA_B } from '../support/program.js';

const gate = (s: Scenario, id: string) => {
  const def = s.state.definition!;
  const g = def.gates.find((x) => x.id === id) as GateDefinition;
  return evaluateGate(g, s.state, def, new Date('2026-02-10T00:00:00Z'));
};

describe('gate: target-published', () => {
  it('is unmet until a candidate target is published, and names the producer as the one to act', () => {
    const s = new Scenario();
    const before = gate(s, 'target-published');
    expect(before.holds).toBe(false);
    expect(before.blocker.waitingOn).toEqual([P]);
    expect(before.blocker.clear[0]).toContain('cutover target publish');
    s.publishTarget();
    expect(gate(s, 'target-published').holds).toBe(true);
  });

  it('is not satisfied by a baseline', () => {
    const s = new Scenario();
    s.publishBaseline('v2.9.0', SHA_B);
    expect(gate(s, 'target-published').holds).toBe(false);
    expect(s.state.baseline?.tag).toBe('v2.9.0');
  });
});

describe('gate: all-parties-go', () => {
  it("holds only when every party's latest verdict is GO for the current target", () => {
    const s = new Scenario();
    s.publishTarget();
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    const half = gate(s, 'bilateral-go');
    expect(half.holds).toBe(false);
    expect(half.blocker.waitingOn).toEqual([C]);
    expect(half.blocker.details).toEqual(['AssistSupport: no verdict recorded on runtime-cutover']);
    s.verdict(C, 'runtime-cutover', 'GO');
    expect(gate(s, 'bilateral-go').holds).toBe(true);
  });

  it('a GO on a decision that does not gate on the target stays good when a target is published', () => {
    const s = new Scenario();
    s.verdict(P, 'rehearsal-continuation', 'GO');
    s.verdict(C, 'rehearsal-continuation', 'GO');
    s.publishTarget();
    const rehearsal = s.evaluate().decisions.find((d) => d.id === 'rehearsal-continuation')!;
    expect(rehearsal.outcome).toBe('GO');
    expect(rehearsal.verdicts[P]!.stale).toBe(false);
  });

  it('a later NO-GO replaces an earlier GO', () => {
    const s = new Scenario();
    s.publishTarget();
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'NO-GO');
    const result = gate(s, 'bilateral-go');
    expect(result.holds).toBe(false);
    expect(result.blocker.details[0]).toMatch(/^AssistSupport: NO-GO by assistsupport-runtime-owner/);
  });

  it('a GO cast for an earlier target is stale once a new target is published', () => {
    const s = new Scenario();
    s.publishTarget('v3.0.0');
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    s.publishTarget('v3.0.1', SHA_B);
    const result = gate(s, 'bilateral-go');
    expect(result.holds).toBe(false);
    expect(result.blocker.details).toHaveLength(2);
    expect(result.blocker.details[0]).toContain('was cast for target v3.0.0');
    expect(s.evaluate().decisions.find((d) => d.id === 'runtime-cutover')!.verdicts[P]!.stale).toBe(true);
  });
});

describe('gate: evidence', () => {
  it('lists each labelled requirement still missing, and only those', () => {
    const s = new Scenario();
    s.publishTarget();
    expect(gate(s, 'runtime-evidence').blocker.missing).toEqual([
      'producer runtime handoff payload',
      'consumer atomic repin evidence against the same runtime target',
    ]);
    s.evidence(P, 'handoff-payload');
    const result = gate(s, 'runtime-evidence');
    expect(result.blocker.missing).toEqual(['consumer atomic repin evidence against the same runtime target']);
    expect(result.blocker.waitingOn).toEqual([C]);
    s.evidence(C, 'repin');
    expect(gate(s, 'runtime-evidence').holds).toBe(true);
  });

  it('the latest evidence wins: a later failure clears an earlier pass', () => {
    const s = new Scenario();
    s.publishTarget();
    s.evidence(P, 'rollback-execution');
    s.evidence(C, 'rollback-execution');
    expect(gate(s, 'rollback-evidence').holds).toBe(true);
    s.evidence(C, 'rollback-execution', 'fail');
    const result = gate(s, 'rollback-evidence');
    expect(result.holds).toBe(false);
    expect(result.blocker.details[0]).toContain('FAILED');
  });

  it('an unverified target does not satisfy the target gate', () => {
    const s = new Scenario();
    s.publishTarget('v3.0.0', SHA_A, null);
    const result = gate(s, 'target-published');
    expect(result.holds).toBe(false);
    expect(result.blocker.details[0]).toContain('never verified');
    expect(result.blocker.clear[0]).toContain('cutover target verify --repo');
  });

  it('evidence for an earlier target is stale for a new one', () => {
    const s = new Scenario();
    s.publishTarget('v3.0.0');
    s.evidence(P, 'handoff-payload');
    s.evidence(C, 'repin');
    s.publishTarget('v3.0.1', SHA_B);
    const result = gate(s, 'runtime-evidence');
    expect(result.blocker.missing).toHaveLength(2);
    expect(result.blocker.details[0]).toContain('stale');
  });
});

describe('gate: rollback-evidence', () => {
  it('needs passing rollback evidence of the configured kind from every party', () => {
    const s = new Scenario();
    s.publishTarget();
    s.evidence(P, 'rollback-execution');
    s.evidence(C, 'rollback-drill'); // a drill is not the execution evidence this gate asks for
    const result = gate(s, 'rollback-evidence');
    expect(result.holds).toBe(false);
    expect(result.blocker.waitingOn).toEqual([C]);
    s.evidence(C, 'rollback-execution');
    expect(gate(s, 'rollback-evidence').holds).toBe(true);
  });
});

describe('gate: no-open-incident', () => {
  // The template's triggers are SEV-1 or SEV-2 at least; a SEV-3 one is added to try the threshold.
  const withMinorTrigger = () =>
    new Scenario(
      programFixture((d) => ({ ...d, incidents: { ...d.incidents!, triggers: [...d.incidents!.triggers, { id: 'dashboard-lag', description: 'Dashboard lag', severity: 'SEV-3', action: 'freeze' }] } })),
    );

  it.each([
    ['SEV-1', false],
    ['SEV-2', false],
    ['SEV-3', true],
  ] as const)('an open %s incident against a SEV-2 threshold: holds=%s, and the blocker names the incident', (severity, holds) => {
    const s = withMinorTrigger();
    s.record({ type: 'declare-incident', actor: ROLE.producerIc, party: P, trigger: 'dashboard-lag', severity, summary: 'dashboard lags', id: 'INC-1' });
    const result = gate(s, 'no-blocking-incident');
    expect(result.holds).toBe(holds);
    if (!holds) {
      expect(result.blocker.details).toEqual([`incident INC-1 (${severity}, trigger dashboard-lag, MemoryKernel) is open: dashboard lags`]);
      expect(result.blocker.clear.at(-1)).toBe(`cutover incident close INC-1 --as ${ROLE.producerIc}`);
    }
    s.record({ type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' });
    s.record({ type: 'summarize-incident', actor: ROLE.producerIc, id: 'INC-1', summary: 'lag from a slow replica', residualRisk: 'none' });
    s.record({ type: 'approve-incident', actor: ROLE.producerApprover, id: 'INC-1' });
    s.record({ type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC-1' });
    s.record({ type: 'close-incident', actor: ROLE.producerIc, id: 'INC-1' });
    expect(gate(s, 'no-blocking-incident').holds).toBe(true);
  });
});

describe('gate: phase-closed', () => {
  it('holds once the phase is closed or complete', () => {
    const s = new Scenario();
    expect(gate(s, 'phase-7-closed').blocker.details).toEqual(['Phase 7 is not-started']);
    s.phase('start', '7');
    expect(gate(s, 'phase-7-closed').blocker.details).toEqual(['Phase 7 is active']);
    s.phase('close', '7', 'decision recorded');
    expect(gate(s, 'phase-7-closed').holds).toBe(true);
  });
});

describe('gate: no-manual-blockers', () => {
  it('is unmet while a manual blocker is open, shows it overdue past its date, and clears on resolve', () => {
    const s = new Scenario();
    s.record({ type: 'raise-blocker', actor: ROLE.consumerIc, text: 'pager rota not staffed', owner: ROLE.consumerIc, due: '2026-02-05' });
    const result = gate(s, 'no-open-manual-blockers');
    expect(result.holds).toBe(false);
    expect(result.blocker.details).toEqual([`B-1: pager rota not staffed (owner ${ROLE.consumerIc}, due 2026-02-05, OVERDUE)`]);
    s.record({ type: 'resolve-blocker', actor: ROLE.consumerIc, id: 'B-1', note: 'staffed' });
    expect(gate(s, 'no-open-manual-blockers').holds).toBe(true);
  });

  it('a blocker scoped to one phase does not hold up another', () => {
    const s = new Scenario();
    s.phase('start', '7');
    s.phase('close', '7', 'decision recorded');
    s.record({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'closeout review', owner: ROLE.logOwner, due: '2026-03-01', phase: '10' });
    expect(blockerGates(s.evaluate())).not.toContain('no-open-manual-blockers');
  });
});
