/** Each gate kind, given a history: whether it holds, and the blocker it gives when it does not. */
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/domain/evaluate.js';
import type { GateDefinition } from '../../src/program/schema.js';
import { allEvidence, closePhase, decider, evidence, given, publishBaseline, publishTarget, startPhase, verdict, type Given } from '../support/decider-spec.js';
import { blockerGates, C, P, programFixture, ROLE, SHA_A, SHA_B } from '../support/program.js';

const gate = (g: Given, id: string) => {
  const def = g.state.definition!;
  const found = def.gates.find((x) => x.id === id) as GateDefinition;
  return evaluateGate(found, g.state, def, new Date('2026-02-10T00:00:00Z'));
};

describe('gate: target-published', () => {
  it('is unmet until a candidate target is published, and names the producer as the one to act', () => {
    const before = gate(given(), 'target-published');
    expect(before.holds).toBe(false);
    expect(before.blocker.waitingOn).toEqual([P]);
    expect(before.blocker.clear[0]).toContain('cutover target publish');
    expect(gate(given(publishTarget()), 'target-published').holds).toBe(true);
  });

  it('is not satisfied by a baseline', () => {
    const g = given(publishBaseline('v2.9.0', SHA_B));
    expect(gate(g, 'target-published').holds).toBe(false);
    expect(g.state.baseline?.tag).toBe('v2.9.0');
  });
});

describe('gate: all-parties-go', () => {
  it("holds only when every party's latest verdict is GO for the current target", () => {
    const producerGo = given(publishTarget(), ...allEvidence(), verdict(P, 'runtime-cutover', 'GO'));
    const half = gate(producerGo, 'bilateral-go');
    expect(half.holds).toBe(false);
    expect(half.blocker.waitingOn).toEqual([C]);
    expect(half.blocker.details).toEqual(['AssistSupport: no verdict recorded on runtime-cutover']);
    expect(gate(producerGo.and(verdict(C, 'runtime-cutover', 'GO')), 'bilateral-go').holds).toBe(true);
  });

  it('a GO on a decision that does not gate on the target stays good when a target is published', () => {
    const g = given(verdict(P, 'rehearsal-continuation', 'GO'), verdict(C, 'rehearsal-continuation', 'GO'), publishTarget());
    const rehearsal = g.evaluate().decisions.find((d) => d.id === 'rehearsal-continuation')!;
    expect(rehearsal.outcome).toBe('GO');
    expect(rehearsal.verdicts[P]!.stale).toBe(false);
  });

  it('a later NO-GO replaces an earlier GO', () => {
    const g = given(publishTarget(), ...allEvidence(), verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'NO-GO'));
    const result = gate(g, 'bilateral-go');
    expect(result.holds).toBe(false);
    expect(result.blocker.details[0]).toMatch(/^AssistSupport: NO-GO by assistsupport-runtime-owner/);
  });

  it('a GO cast for an earlier target is stale once a new target is published', () => {
    const g = given(publishTarget('v3.0.0'), ...allEvidence(), verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'), publishTarget('v3.0.1', SHA_B));
    const result = gate(g, 'bilateral-go');
    expect(result.holds).toBe(false);
    expect(result.blocker.details).toHaveLength(2);
    expect(result.blocker.details[0]).toContain('was cast for target v3.0.0');
    expect(g.evaluate().decisions.find((d) => d.id === 'runtime-cutover')!.verdicts[P]!.stale).toBe(true);
  });
});

describe('gate: evidence', () => {
  it('lists each labelled requirement still missing, and only those', () => {
    const published = given(publishTarget());
    expect(gate(published, 'runtime-evidence').blocker.missing).toEqual([
      'producer runtime handoff payload',
      'consumer atomic repin evidence against the same runtime target',
    ]);
    const handedOff = published.and(evidence(P, 'handoff-payload'));
    const result = gate(handedOff, 'runtime-evidence');
    expect(result.blocker.missing).toEqual(['consumer atomic repin evidence against the same runtime target']);
    expect(result.blocker.waitingOn).toEqual([C]);
    expect(gate(handedOff.and(evidence(C, 'repin')), 'runtime-evidence').holds).toBe(true);
  });

  it('the latest evidence wins: a later failure clears an earlier pass', () => {
    const passed = given(publishTarget(), evidence(P, 'rollback-execution'), evidence(C, 'rollback-execution'));
    expect(gate(passed, 'rollback-evidence').holds).toBe(true);
    const result = gate(passed.and(evidence(C, 'rollback-execution', 'fail')), 'rollback-evidence');
    expect(result.holds).toBe(false);
    expect(result.blocker.details[0]).toContain('FAILED');
  });

  it('an unverified target does not satisfy the target gate', () => {
    const result = gate(given(publishTarget('v3.0.0', SHA_A, null)), 'target-published');
    expect(result.holds).toBe(false);
    expect(result.blocker.details[0]).toContain('never verified');
    expect(result.blocker.clear[0]).toContain('cutover target verify --repo');
  });

  it('evidence for an earlier target is stale for a new one', () => {
    const result = gate(given(publishTarget('v3.0.0'), evidence(P, 'handoff-payload'), evidence(C, 'repin'), publishTarget('v3.0.1', SHA_B)), 'runtime-evidence');
    expect(result.blocker.missing).toHaveLength(2);
    expect(result.blocker.details[0]).toContain('stale');
  });
});

describe('gate: rollback-evidence', () => {
  it('needs passing rollback evidence of the configured kind from every party', () => {
    // A drill is not the execution evidence this gate asks for.
    const drilled = given(publishTarget(), evidence(P, 'rollback-execution'), evidence(C, 'rollback-drill'));
    const result = gate(drilled, 'rollback-evidence');
    expect(result.holds).toBe(false);
    expect(result.blocker.waitingOn).toEqual([C]);
    expect(gate(drilled.and(evidence(C, 'rollback-execution')), 'rollback-evidence').holds).toBe(true);
  });
});

describe('gate: no-open-incident', () => {
  // The template's triggers are SEV-1 or SEV-2 at least; a SEV-3 one is added to try the threshold.
  const withMinorTrigger = () =>
    decider({
      fixture: programFixture((d) => ({ ...d, incidents: { ...d.incidents!, triggers: [...d.incidents!.triggers, { id: 'dashboard-lag', description: 'Dashboard lag', severity: 'SEV-3', action: 'freeze' }] } })),
    });

  it.each([
    ['SEV-1', false],
    ['SEV-2', false],
    ['SEV-3', true],
  ] as const)('an open %s incident against a SEV-2 threshold: holds=%s, and the blocker names the incident', (severity, holds) => {
    const open = withMinorTrigger().given({ type: 'declare-incident', actor: ROLE.producerIc, party: P, trigger: 'dashboard-lag', severity, summary: 'dashboard lags', id: 'INC-1' });
    const result = gate(open, 'no-blocking-incident');
    expect(result.holds).toBe(holds);
    if (!holds) {
      expect(result.blocker.details).toEqual([`incident INC-1 (${severity}, trigger dashboard-lag, MemoryKernel) is open: dashboard lags`]);
      expect(result.blocker.clear.at(-1)).toBe(`cutover incident close INC-1 --as ${ROLE.producerIc}`);
    }
    const closed = open.and(
      { type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' },
      { type: 'summarize-incident', actor: ROLE.producerIc, id: 'INC-1', summary: 'lag from a slow replica', residualRisk: 'none' },
      { type: 'approve-incident', actor: ROLE.producerApprover, id: 'INC-1' },
      { type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC-1' },
      { type: 'close-incident', actor: ROLE.producerIc, id: 'INC-1' },
    );
    expect(gate(closed, 'no-blocking-incident').holds).toBe(true);
  });
});

describe('gate: phase-closed', () => {
  it('holds once the phase is closed or complete', () => {
    expect(gate(given(), 'phase-7-closed').blocker.details).toEqual(['Phase 7 is not-started']);
    const active = given(startPhase('7'));
    expect(gate(active, 'phase-7-closed').blocker.details).toEqual(['Phase 7 is active']);
    expect(gate(active.and(closePhase('7', 'decision recorded')), 'phase-7-closed').holds).toBe(true);
  });
});

describe('gate: no-manual-blockers', () => {
  it('is unmet while a manual blocker is open, shows it overdue past its date, and clears on resolve', () => {
    const raised = given({ type: 'raise-blocker', actor: ROLE.consumerIc, text: 'pager rota not staffed', owner: ROLE.consumerIc, due: '2026-02-05' });
    const result = gate(raised, 'no-open-manual-blockers');
    expect(result.holds).toBe(false);
    expect(result.blocker.details).toEqual([`B-1: pager rota not staffed (owner ${ROLE.consumerIc}, due 2026-02-05, OVERDUE)`]);
    expect(gate(raised.and({ type: 'resolve-blocker', actor: ROLE.consumerIc, id: 'B-1', note: 'staffed' }), 'no-open-manual-blockers').holds).toBe(true);
  });

  it('a blocker scoped to one phase does not hold up another', () => {
    const g = given(startPhase('7'), closePhase('7', 'decision recorded'), { type: 'raise-blocker', actor: ROLE.logOwner, text: 'closeout review', owner: ROLE.logOwner, due: '2026-03-01', phase: '10' });
    expect(blockerGates(g.evaluate())).not.toContain('no-open-manual-blockers');
  });
});
