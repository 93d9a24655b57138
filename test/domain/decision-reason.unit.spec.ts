/** A party with no verdict is pending, not a NO-GO vote; the decision's reason says whom it waits for. */
import { describe, expect, it } from 'vitest';
import { decisionReason, pendingParties } from '../../src/domain/decision-reason.js';
import { given, verdict, type Given } from '../support/decider-spec.js';
import { C, P } from '../support/program.js';

const decisionOf = (g: Given, id: string) => g.evaluate().decisions.find((x) => x.id === id)!;

describe('decision reason', () => {
  it('a decision with one GO and one party not yet voted is NO-GO, waiting for that party', () => {
    const d = decisionOf(given(verdict(P, 'rehearsal-continuation', 'GO')), 'rehearsal-continuation');
    expect(d.outcome).toBe('NO-GO');
    expect(pendingParties(d)).toEqual([C]);
    expect(decisionReason(d)).toBe(`waiting for ${C}`);
  });

  it('a NO-GO vote and unmet gates are named; a GO says every party is GO', () => {
    const noGo = given(verdict(P, 'runtime-cutover', 'NO-GO'));
    expect(decisionReason(decisionOf(noGo, 'runtime-cutover'))).toMatch(new RegExp(`^waiting for ${C}; NO-GO from ${P}; gates unmet: target-published`));
    const bothGo = noGo.and(verdict(P, 'rehearsal-continuation', 'GO'), verdict(C, 'rehearsal-continuation', 'GO'));
    expect(decisionReason(decisionOf(bothGo, 'rehearsal-continuation'))).toBe('every party is GO and every gate holds');
  });
});
