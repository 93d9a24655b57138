/** A party with no verdict is pending, not a NO-GO vote; the decision's reason says whom it waits for. */
import { describe, expect, it } from 'vitest';
import { decisionReason, pendingParties } from '../../src/domain/decision-reason.js';
import { C, P, Scenario } from '../support/program.js';

describe('decision reason', () => {
  it('a decision with one GO and one party not yet voted is NO-GO, waiting for that party', () => {
    const s = new Scenario();
    s.verdict(P, 'rehearsal-continuation', 'GO');
    const d = s.evaluate().decisions.find((x) => x.id === 'rehearsal-continuation')!;
    expect(d.outcome).toBe('NO-GO');
    expect(pendingParties(d)).toEqual([C]);
    expect(decisionReason(d)).toBe(`waiting for ${C}`);
  });

  it('a NO-GO vote and unmet gates are named; a GO says every party is GO', () => {
    const s = new Scenario();
    s.verdict(P, 'runtime-cutover', 'NO-GO');
    const runtime = s.evaluate().decisions.find((x) => x.id === 'runtime-cutover')!;
    expect(decisionReason(runtime)).toMatch(new RegExp(`^waiting for ${C}; NO-GO from ${P}; gates unmet: target-published`));
    s.verdict(P, 'rehearsal-continuation', 'GO');
    s.verdict(C, 'rehearsal-continuation', 'GO');
    const rehearsal = s.evaluate().decisions.find((x) => x.id === 'rehearsal-continuation')!;
    expect(decisionReason(rehearsal)).toBe('every party is GO and every gate holds');
  });
});
