/** decide, given / when / then: the events a command records on a history, or the error it is refused with. */
import { describe, expect, it } from 'vitest';
import {
  EvidenceRejectedError,
  InvalidTransitionError,
  NotAuthorizedError,
  PolicyRefusalError,
  TimeOrderError,
  UnknownNameError,
} from '../../src/errors.js';
import { allEvidence, closePhase, completePhase, decider, defineProgram, given, publishTarget, READY_FOR_GO, startPhase, verdict } from '../support/decider-spec.js';
import { C, FILE, P, ROLE, SHA_A, SHA_B, VERIFIED } from '../support/program.js';

const V3 = { tag: 'v3.0.0', sha: SHA_A };

describe('decide: program definition', () => {
  it('is defined once, by the joint decision-log owner', () => {
    const { emptyLedger, fixture } = decider();
    const defined = emptyLedger
      .when(defineProgram(fixture))
      .then([{ type: 'program.defined', actor: ROLE.logOwner, data: { definition: fixture.definition, digest: fixture.digest, file: FILE } }]);
    defined.when(defineProgram(fixture)).thenError(InvalidTransitionError, 'is already defined (seq 1)');
  });

  it('an amendment needs the log owner, a changed definition and the same program id', () => {
    const g = given();
    const { definition, digest } = g.fixture;
    const changed = { ...definition, program: { ...definition.program, title: 'renamed' } };
    g.when({ type: 'amend-program', actor: ROLE.producerApprover, definition: changed, digest: 'sha256:' + '1'.repeat(64), fileDigest: FILE, reason: 'x' }).thenError(NotAuthorizedError);
    g.when({ type: 'amend-program', actor: ROLE.logOwner, definition, digest, fileDigest: FILE, reason: 'x' }).thenError(InvalidTransitionError);
    const renamed = { ...changed, program: { id: 'other', title: 'x' } };
    g.when({ type: 'amend-program', actor: ROLE.logOwner, definition: renamed, digest: 'sha256:' + '2'.repeat(64), fileDigest: FILE, reason: 'x' }).thenError(InvalidTransitionError);
    g.when({ type: 'amend-program', actor: ROLE.logOwner, definition: changed, digest: 'sha256:' + '1'.repeat(64), fileDigest: FILE, reason: 'retitle' }).then([
      { type: 'program.amended', actor: ROLE.logOwner, data: { definition: changed, digest: 'sha256:' + '1'.repeat(64), file: FILE, reason: 'retitle' } },
    ]);
  });

  it('on an empty ledger, only a definition by a log owner of the definition it introduces is accepted', () => {
    const { emptyLedger, fixture } = decider();
    emptyLedger.when(startPhase('7')).thenError(InvalidTransitionError);
    emptyLedger.when(defineProgram(fixture, ROLE.producerApprover)).thenError(NotAuthorizedError);
    emptyLedger.when(defineProgram(fixture)).then([{ type: 'program.defined', actor: ROLE.logOwner, data: { definition: fixture.definition, digest: fixture.digest, file: FILE } }]);
  });
});

describe('decide: verdicts', () => {
  it('a verdict speaks for the party of the approver who casts it and binds the current target', () => {
    const cast = given(publishTarget())
      .when(verdict(C, 'rehearsal-continuation', 'GO'))
      .then([{ type: 'verdict.cast', actor: ROLE.consumerApprover, data: { decision: 'rehearsal-continuation', party: C, verdict: 'GO', target: V3 } }]);
    expect(cast.events.at(-1)!.prev).toBe(cast.events.at(-2)!.hash);
  });

  it('only an approver role may cast a verdict; the error names the approver roles', () => {
    const g = given();
    g.when({ type: 'cast-verdict', actor: ROLE.producerIc, decision: 'rehearsal-continuation', verdict: 'GO' }).thenError(NotAuthorizedError, ROLE.producerApprover);
    g.when({ type: 'cast-verdict', actor: ROLE.logOwner, decision: 'rehearsal-continuation', verdict: 'GO' }).thenError(NotAuthorizedError);
  });

  it('an unknown decision or role is named', () => {
    const g = given();
    g.when({ type: 'cast-verdict', actor: ROLE.producerApprover, decision: 'nope', verdict: 'GO' }).thenError(UnknownNameError, 'rehearsal-continuation');
    g.when({ type: 'cast-verdict', actor: 'ghost', decision: 'runtime-cutover', verdict: 'NO-GO' }).thenError(UnknownNameError);
  });

  it('GO must be earned: refused while gates other than the parties\' GO are unmet, with the blockers', () => {
    const refused = given().when(verdict(P, 'runtime-cutover', 'GO')).thenError(PolicyRefusalError);
    expect(refused.blockers.map((b) => b.gate)).toEqual(['target-published', 'runtime-evidence', 'rollback-evidence']);
    // NO-GO is always allowed
    const noGo = given()
      .when(verdict(P, 'runtime-cutover', 'NO-GO'))
      .then([{ type: 'verdict.cast', actor: ROLE.producerApprover, data: { decision: 'runtime-cutover', party: P, verdict: 'NO-GO', target: null } }]);
    const oneGo = noGo
      .and(publishTarget(), ...allEvidence())
      .when(verdict(P, 'runtime-cutover', 'GO'))
      .then([{ type: 'verdict.cast', actor: ROLE.producerApprover, data: { decision: 'runtime-cutover', party: P, verdict: 'GO', target: V3 } }]);
    expect(oneGo.evaluate().decisions.find((d) => d.id === 'runtime-cutover')!.outcome).toBe('NO-GO');
    const bothGo = oneGo
      .when(verdict(C, 'runtime-cutover', 'GO'))
      .then([{ type: 'verdict.cast', actor: ROLE.consumerApprover, data: { decision: 'runtime-cutover', party: C, verdict: 'GO', target: V3 } }]);
    expect(bothGo.evaluate().decisions.find((d) => d.id === 'runtime-cutover')!.outcome).toBe('GO');
  });
});

describe('decide: targets and evidence', () => {
  it('only a producer role publishes a target; republishing the same one is refused', () => {
    given()
      .when({ type: 'publish-target', actor: ROLE.consumerApprover, target: { tag: 'v3', sha: SHA_A, contracts: {} }, as: 'candidate', check: VERIFIED })
      .thenError(NotAuthorizedError);
    given(publishTarget('v3.0.0', SHA_A))
      .when({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: 'v3.0.0', sha: SHA_A, contracts: {} }, as: 'candidate', check: VERIFIED })
      .thenError(InvalidTransitionError);
  });

  it('a pair the repository contradicts is refused with what the repository says; nothing is recorded', () => {
    const check = { ok: false, facts: { annotated: false, tagObject: null }, problems: [`tag v3.0.0 points at ${SHA_B} — 1 commit after the SHA given (${SHA_A})`] };
    given()
      .when({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: 'v3.0.0', sha: SHA_A, contracts: {} }, as: 'candidate', check })
      .thenError(EvidenceRejectedError, '1 commit after the SHA given');
  });

  it('a target published without checking it is not verified until a check passes; a failed re-check unverifies it', () => {
    const unchecked = given(publishTarget('v3.0.0', SHA_A, null));
    expect(unchecked.state.target).toMatchObject({ verified: false, checkedSeq: null });
    const checked = unchecked.and({ type: 'verify-target', actor: ROLE.consumerIc, check: VERIFIED });
    expect(checked.state.target).toMatchObject({ verified: true, facts: VERIFIED.facts });
    const rechecked = checked.and({ type: 'verify-target', actor: ROLE.consumerIc, check: { ok: false, facts: null, problems: ['tag v3.0.0 was re-created'] } });
    expect(rechecked.state.target).toMatchObject({ verified: false, problems: ['tag v3.0.0 was re-created'], facts: VERIFIED.facts });
  });

  it('evidence needs a published target and a role of the party it is for', () => {
    const artifact = { kind: 'artifact', file: 'a.log', sha256: `sha256:${'0'.repeat(64)}`, bytes: 3 } as const;
    const add = (actor: string, party: string) => ({ type: 'add-evidence', actor, party, evidence: artifact }) as const;
    given().when(add(ROLE.consumerApprover, C)).thenError(InvalidTransitionError);
    const published = given(publishTarget());
    published.when(add(ROLE.producerApprover, C)).thenError(NotAuthorizedError);
    published.when(add(ROLE.consumerApprover, 'nobody')).thenError(UnknownNameError);
    published.when(add(ROLE.consumerIc, C)).then([
      { type: 'evidence.added', actor: ROLE.consumerIc, data: { kind: 'artifact', party: C, target: V3, result: 'pass', summary: expect.any(String), file: 'a.log', sha256: artifact.sha256, bytes: 3 } },
    ]);
  });
});

describe('decide: phases', () => {
  it('moves a phase not-started → active → closed, and each step only from the right status', () => {
    const g = given();
    g.when(closePhase('7', 'x')).thenError(InvalidTransitionError);
    const active = g.when(startPhase('7')).then([{ type: 'phase.started', actor: ROLE.logOwner, data: { phase: '7' } }]);
    expect(active.evaluate().phases[0]).toMatchObject({ id: '7', status: 'active' });
    active.when(startPhase('7')).thenError(InvalidTransitionError);
    const closed = active.when(closePhase('7', 'decision recorded')).then([{ type: 'phase.closed', actor: ROLE.logOwner, data: { phase: '7', reason: 'decision recorded' } }]);
    expect(closed.evaluate().phases[0]).toMatchObject({ status: 'closed', reason: 'decision recorded' });
  });

  it('phases run in order', () => {
    given().when(startPhase('9')).thenError(InvalidTransitionError, 'Phase 7');
  });

  it('a phase whose entry gates fail cannot start, and the refusal lists the blockers', () => {
    const refused = given(startPhase('7'), closePhase('7', 'decision recorded')).when(startPhase('8')).thenError(PolicyRefusalError);
    expect(refused.blockers.map((b) => b.gate)).toEqual(['target-published', 'bilateral-go', 'runtime-evidence', 'rollback-evidence']);
  });

  it('the whole story: GO earned, Phase 8 runs and completes, the target becomes the baseline', () => {
    const approved = given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'));
    expect(approved.evaluate().window).toMatchObject({ approved: true });
    const running = approved.when(startPhase('8')).then([{ type: 'phase.started', actor: ROLE.logOwner, data: { phase: '8' } }]);
    expect(running.evaluate().phases[1]).toMatchObject({ id: '8', status: 'active' });
    const ev = running
      .when(completePhase('8', 'cutover complete'))
      .then([{ type: 'phase.completed', actor: ROLE.logOwner, data: { phase: '8', reason: 'cutover complete' } }])
      .evaluate();
    expect(ev.baseline).toEqual({ tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } });
    expect(ev.rollbackTarget?.tag).toBe('v2.9.0');
    expect(ev.nextPhase).toBe('9');
    expect(ev.blockers).toEqual([]);
    expect(ev.phases[2]).toMatchObject({ id: '9', status: 'not-started', reason: 'ready to start' });
  });

  it('only the decision-log owner moves phases', () => {
    given().when({ type: 'start-phase', actor: ROLE.producerApprover, phase: '7' }).thenError(NotAuthorizedError);
  });
});

describe('decide: manual blockers and incidents', () => {
  it('raises with an owner that must exist, numbers blockers, resolves only open ones', () => {
    const g = given();
    g.when({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'x', owner: 'ghost', due: '2026-03-01' }).thenError(UnknownNameError);
    const raised = g
      .when({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'x', owner: ROLE.logOwner, due: '2026-03-01' })
      .then([{ type: 'blocker.raised', actor: ROLE.logOwner, data: { id: 'B-1', text: 'x', owner: ROLE.logOwner, due: '2026-03-01' } }]);
    raised.when({ type: 'resolve-blocker', actor: ROLE.logOwner, id: 'B-9', note: 'x' }).thenError(InvalidTransitionError);
  });

  it('an incident is declared by the incident commander or rollback owner of its party', () => {
    const g = given();
    g.when({ type: 'declare-incident', actor: ROLE.consumerIc, party: P, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }).thenError(NotAuthorizedError, ROLE.producerIc);
    g.when({ type: 'declare-incident', actor: ROLE.producerApprover, party: P, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }).then([
      {
        type: 'incident.declared',
        actor: ROLE.producerApprover,
        // Numbered by the seq it takes; nothing published, so no target in play and none to roll back to.
        data: { id: 'INC-2', party: P, trigger: 'envelope-mismatch', action: 'rollback', severity: 'SEV-1', summary: 'x', identifiedAt: g.nextAt, contractMode: 'unknown', current: null, rollbackTarget: null, deadlines: g.fixture.definition.incidents!.deadlines },
      },
    ]);
  });
});

describe('decide: time', () => {
  it('refuses a command dated before the last event', () => {
    given().when({ type: 'start-phase', actor: ROLE.logOwner, phase: '7', at: '2000-01-01T00:00:00.000Z' }).thenError(TimeOrderError, 'seq 1');
  });
});
