/** Refusals a new user tripped on: each says what to do next, and the first thing wrong is the one named. */
import { describe, expect, it } from 'vitest';
import { NotAuthorizedError, UnknownNameError } from '../../src/errors.js';
import { expectRefused, P, ROLE, Scenario } from '../support/program.js';

describe('refusals that say what to do', () => {
  it('given no incident declared, when a step names INC-7, then the refusal says how to declare one, with the triggers', () => {
    const s = new Scenario();
    const error = expectRefused(s.decide({ type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-7', actions: [] }), 'unknown-name');
    expect(error).toBeInstanceOf(UnknownNameError);
    expect(error.message).toBe('unknown incident "INC-7"; the program defines: (none)');
    expect(error.hints).toEqual([
      `declare it first: cutover incident declare --trigger <envelope-mismatch|fallback-regression|payload-drift|missing-evidence> --severity SEV-n --summary "…" --id INC-7 --as ${ROLE.producerIc}`,
    ]);
  });

  it('given Phase 7 active, when Phase 8 is started, then the refusal prints the command that closes Phase 7', () => {
    const s = new Scenario();
    s.phase('start', '7');
    const error = expectRefused(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' }), 'invalid-transition');
    expect(error.message).toBe('Phase 8 cannot start while Phase 7 is active: phases run in order');
    expect(error.hints).toEqual([`close it first (or complete it, when its work is done): cutover phase close 7 --reason "…" --as ${ROLE.logOwner}`]);
    const fresh = expectRefused(new Scenario().decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' }), 'invalid-transition');
    expect(fresh.hints).toEqual([`start Phase 7 first: cutover phase start 7 --as ${ROLE.logOwner}`]);
  });

  it('given gates unmet, when a role that is no approver casts GO, then it hears that it may not vote, not which gates are unmet', () => {
    const s = new Scenario();
    const error = expectRefused(s.decide({ type: 'cast-verdict', actor: ROLE.producerIc, decision: 'runtime-cutover', verdict: 'GO' }), 'not-authorized');
    expect(error).toBeInstanceOf(NotAuthorizedError);
    expect(error.message).toBe(`role "${ROLE.producerIc}" may not cast a verdict for ${P}: a verdict needs an approver role of ${P}: ${ROLE.producerApprover}`);
    // An approver still hears about the gates.
    expectRefused(s.decide({ type: 'cast-verdict', actor: ROLE.producerApprover, decision: 'runtime-cutover', verdict: 'GO' }), 'policy-refusal');
  });
});
