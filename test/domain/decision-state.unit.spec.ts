/**
 * A decision with no verdict yet is pending, not NO-GO; one that no longer matters (closes_after_phase)
 * is closed, with its last outcome. The outcome itself keeps its two values: formats are contracts.
 */
import { describe, expect, it } from 'vitest';
import { decisionReason } from '../../src/domain/decision-reason.js';
import type { Evaluation } from '../../src/domain/evaluate.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import { standardTemplate } from '../../src/program/template.js';
import { InvalidInputError } from '../../src/errors.js';
import { afterGo, blockerGates, C, expectRefused, P, ROLE, Scenario } from '../support/program.js';

const decision = (ev: Evaluation, id: string) => ev.decisions.find((d) => d.id === id)!;

describe('decision state', () => {
  it('given no verdicts, when evaluated, then each decision is pending (its outcome is still NO-GO)', () => {
    const ev = new Scenario().evaluate();
    for (const id of ['rehearsal-continuation', 'runtime-cutover']) {
      expect(decision(ev, id)).toMatchObject({ outcome: 'NO-GO', state: 'pending', label: 'pending' });
    }
  });

  it('given one GO and one party silent, then pending; given a NO-GO, then decided NO-GO; given both GO, then decided GO', () => {
    const s = new Scenario();
    s.verdict(P, 'rehearsal-continuation', 'GO');
    expect(decision(s.evaluate(), 'rehearsal-continuation')).toMatchObject({ state: 'pending', label: 'pending' });
    s.verdict(P, 'runtime-cutover', 'NO-GO');
    expect(decision(s.evaluate(), 'runtime-cutover')).toMatchObject({ outcome: 'NO-GO', state: 'decided', label: 'NO-GO' });
    s.verdict(C, 'rehearsal-continuation', 'GO');
    expect(decision(s.evaluate(), 'rehearsal-continuation')).toMatchObject({ outcome: 'GO', state: 'decided', label: 'GO' });
  });

  const bothGo = () => {
    const s = new Scenario();
    s.publishTarget('v3.0.0');
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    expect(decision(s.evaluate(), 'runtime-cutover')).toMatchObject({ outcome: 'GO', state: 'decided', label: 'GO' });
    return s;
  };

  it('given every party GO and then a gate unmet (a SEV-1 open), then decided NO-GO: the vote is in, the policy says no', () => {
    const s = bothGo();
    s.record({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x', id: 'INC-1' });
    expect(decision(s.evaluate(), 'runtime-cutover')).toMatchObject({ outcome: 'NO-GO', state: 'decided', label: 'NO-GO' });
  });

  it('given a GO cast for an earlier target, then pending again: each party owes a verdict on the current one', () => {
    const s = bothGo();
    s.publishTarget('v3.0.1', 'ab'.repeat(20));
    expect(decision(s.evaluate(), 'runtime-cutover')).toMatchObject({ outcome: 'NO-GO', state: 'pending', label: 'pending' });
  });

  it('given the runtime cutover done (Phase 8 complete), then rehearsal continuation (closes_after_phase "8") is closed with its last outcome', () => {
    const pending = afterGo();
    const rehearsal = decision(pending.evaluate(), 'rehearsal-continuation');
    expect(rehearsal).toMatchObject({ outcome: 'NO-GO', state: 'closed', label: 'closed (pending)', closesAfterPhase: '8' });
    expect(decisionReason(rehearsal)).toBe(`closed: Phase 8 has ended, so it no longer matters; last: waiting for ${P}, ${C}`);
    expect(decision(pending.evaluate(), 'runtime-cutover')).toMatchObject({ state: 'decided', label: 'GO' });

    const s = new Scenario();
    s.verdict(P, 'rehearsal-continuation', 'GO');
    s.verdict(C, 'rehearsal-continuation', 'GO');
    expect(decision(s.evaluate(), 'rehearsal-continuation').state).toBe('decided');
    s.phase('start', '7');
    s.phase('close', '7', 'decision recorded');
    s.publishTarget();
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    s.phase('start', '8');
    expect(decision(s.evaluate(), 'rehearsal-continuation').state).toBe('decided');
    s.phase('complete', '8', 'cutover complete');
    expect(decision(s.evaluate(), 'rehearsal-continuation')).toMatchObject({ outcome: 'GO', state: 'closed', label: 'closed (GO)' });
  });

  it('closes_after_phase must name a phase of the program', () => {
    const yaml = standardTemplate({ programId: 'p', producer: 'MemoryKernel', consumers: ['AssistSupport'], contract: 'service.v3' }).replace('closes_after_phase: "8"', 'closes_after_phase: 12');
    let error: unknown;
    try {
      parseDefinition(yaml, 'cutover.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain('decisions[0].closes_after_phase');
    expect((error as Error).message).toContain('a phase id: one of "7", "8", "9", "10"');
    // A number is read as the phase id it spells.
    const numbered = standardTemplate({ programId: 'p', producer: 'MemoryKernel', consumers: ['AssistSupport'], contract: 'service.v3' }).replace('closes_after_phase: "8"', 'closes_after_phase: 8');
    expect(parseDefinition(numbered, 'cutover.yaml').definition.decisions[0]!.closes_after_phase).toBe(8);
  });
});

describe('the standard template: Phase 9 waits for no open incident at or above SEV-2, as Phase 8 does', () => {
  it('given Phase 8 complete and a SEV-1 open, then Phase 9 cannot start and the blocker names the incident', () => {
    const before = new Scenario();
    before.publishBaseline('v2.9.0');
    before.phase('start', '7');
    before.phase('close', '7', 'decision recorded');
    before.publishTarget();
    before.allEvidence();
    before.verdict(P, 'runtime-cutover', 'GO');
    before.verdict(C, 'runtime-cutover', 'GO');
    before.phase('start', '8');
    before.phase('complete', '8', 'cutover complete');
    expect(before.evaluate().nextPhase).toBe('9');
    expect(blockerGates(before.evaluate())).toEqual([]);
    before.record({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'non-2xx responses lack the error envelope', id: 'INC-7' });
    const ev = before.evaluate();
    expect(blockerGates(ev)).toEqual(['no-blocking-incident']);
    expect(ev.blockers[0]!.details[0]).toContain('incident INC-7 (SEV-1');
    expectRefused(before.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '9' }), 'policy-refusal');
  });
});
