import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { initialState } from '../../src/domain/state.js';
import type { PolicyRefusalError } from '../../src/errors.js';
import { C, expectRefused, FILE, P, programFixture, ROLE, Scenario, SHA_A, SHA_B, VERIFIED } from '../support/program.js';

describe('decide: program definition', () => {
  it('is defined once, by the joint decision-log owner', () => {
    const s = new Scenario();
    expect(s.events[0]!.type).toBe('program.defined');
    const again = s.decide({ type: 'define-program', actor: ROLE.logOwner, definition: s.fixture.definition, digest: s.fixture.digest, fileDigest: FILE });
    expectRefused(again, 'invalid-transition');
  });

  it('an amendment needs the log owner, a changed definition and the same program id', () => {
    const s = new Scenario();
    const changed = { ...s.fixture.definition, program: { ...s.fixture.definition.program, title: 'renamed' } };
    expectRefused(s.decide({ type: 'amend-program', actor: ROLE.producerApprover, definition: changed, digest: 'sha256:' + '1'.repeat(64), fileDigest: FILE, reason: 'x' }), 'not-authorized');
    expectRefused(s.decide({ type: 'amend-program', actor: ROLE.logOwner, definition: s.fixture.definition, digest: s.fixture.digest, fileDigest: FILE, reason: 'x' }), 'invalid-transition');
    const renamed = { ...changed, program: { id: 'other', title: 'x' } };
    expectRefused(s.decide({ type: 'amend-program', actor: ROLE.logOwner, definition: renamed, digest: 'sha256:' + '2'.repeat(64), fileDigest: FILE, reason: 'x' }), 'invalid-transition');
    const ok = s.decide({ type: 'amend-program', actor: ROLE.logOwner, definition: changed, digest: 'sha256:' + '1'.repeat(64), fileDigest: FILE, reason: 'retitle' });
    expect(ok.ok).toBe(true);
  });

  it('on an empty ledger, only a definition by a log owner of the definition it introduces is accepted', () => {
    const { definition, digest } = programFixture();
    const at = '2026-02-01T09:00:00.000Z';
    expectRefused(decide(initialState(), { type: 'start-phase', actor: ROLE.logOwner, phase: '7', at }), 'invalid-transition');
    expectRefused(decide(initialState(), { type: 'define-program', actor: ROLE.producerApprover, definition, digest, fileDigest: FILE, at }), 'not-authorized');
    const ok = decide(initialState(), { type: 'define-program', actor: ROLE.logOwner, definition, digest, fileDigest: FILE, at });
    expect(ok.ok && ok.events.map((e) => e.type)).toEqual(['program.defined']);
  });
});

describe('decide: verdicts', () => {
  it('a verdict speaks for the party of the approver who casts it and binds the current target', () => {
    const s = new Scenario();
    s.publishTarget();
    s.verdict(C, 'rehearsal-continuation', 'GO');
    const last = s.events.at(-1)!;
    expect(last.type).toBe('verdict.cast');
    expect(last.data).toEqual({ decision: 'rehearsal-continuation', party: C, verdict: 'GO', target: { tag: 'v3.0.0', sha: SHA_A } });
    expect(last.prev).toBe(s.events.at(-2)!.hash);
  });

  it('only an approver role may cast a verdict; the error names the approver roles', () => {
    const s = new Scenario();
    const refused = expectRefused(s.decide({ type: 'cast-verdict', actor: ROLE.producerIc, decision: 'rehearsal-continuation', verdict: 'GO' }), 'not-authorized');
    expect(refused.message).toContain(ROLE.producerApprover);
    expectRefused(s.decide({ type: 'cast-verdict', actor: ROLE.logOwner, decision: 'rehearsal-continuation', verdict: 'GO' }), 'not-authorized');
  });

  it('an unknown decision or role is named', () => {
    const s = new Scenario();
    expect(expectRefused(s.decide({ type: 'cast-verdict', actor: ROLE.producerApprover, decision: 'nope', verdict: 'GO' }), 'unknown-name').message).toContain('rehearsal-continuation');
    expectRefused(s.decide({ type: 'cast-verdict', actor: 'ghost', decision: 'runtime-cutover', verdict: 'NO-GO' }), 'unknown-name');
  });

  it('GO must be earned: refused while gates other than the parties\' GO are unmet, with the blockers', () => {
    const s = new Scenario();
    const refused = expectRefused(s.decide({ type: 'cast-verdict', actor: ROLE.producerApprover, decision: 'runtime-cutover', verdict: 'GO' }), 'policy-refusal') as PolicyRefusalError;
    expect(refused.blockers.map((b) => b.gate)).toEqual(['target-published', 'runtime-evidence', 'rollback-evidence']);
    // NO-GO is always allowed
    s.verdict(P, 'runtime-cutover', 'NO-GO');
    s.publishTarget();
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    expect(s.evaluate().decisions.find((d) => d.id === 'runtime-cutover')!.outcome).toBe('NO-GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    expect(s.evaluate().decisions.find((d) => d.id === 'runtime-cutover')!.outcome).toBe('GO');
  });
});

describe('decide: targets and evidence', () => {
  it('only a producer role publishes a target; republishing the same one is refused', () => {
    const s = new Scenario();
    expectRefused(s.decide({ type: 'publish-target', actor: ROLE.consumerApprover, target: { tag: 'v3', sha: SHA_A, contracts: {} }, as: 'candidate', check: VERIFIED }), 'not-authorized');
    s.publishTarget('v3.0.0', SHA_A);
    expectRefused(s.decide({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: 'v3.0.0', sha: SHA_A, contracts: {} }, as: 'candidate', check: VERIFIED }), 'invalid-transition');
  });

  it('a pair the repository contradicts is refused with what the repository says; nothing is recorded', () => {
    const s = new Scenario();
    const check = { ok: false, facts: { annotated: false, tagObject: null }, problems: [`tag v3.0.0 points at ${SHA_B} — 1 commit after the SHA given (${SHA_A})`] };
    const refused = expectRefused(s.decide({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: 'v3.0.0', sha: SHA_A, contracts: {} }, as: 'candidate', check }), 'evidence-rejected');
    expect(refused.message).toContain('1 commit after the SHA given');
  });

  it('a target published without checking it is not verified until a check passes; a failed re-check unverifies it', () => {
    const s = new Scenario();
    s.publishTarget('v3.0.0', SHA_A, null);
    expect(s.state.target).toMatchObject({ verified: false, checkedSeq: null });
    s.record({ type: 'verify-target', actor: ROLE.consumerIc, check: VERIFIED });
    expect(s.state.target).toMatchObject({ verified: true, facts: VERIFIED.facts });
    s.record({ type: 'verify-target', actor: ROLE.consumerIc, check: { ok: false, facts: null, problems: ['tag v3.0.0 was re-created'] } });
    expect(s.state.target).toMatchObject({ verified: false, problems: ['tag v3.0.0 was re-created'], facts: VERIFIED.facts });
  });

  it('evidence needs a published target and a role of the party it is for', () => {
    const s = new Scenario();
    const add = (actor: string, party: string) => s.decide({ type: 'add-evidence', actor, party, evidence: { kind: 'artifact', file: 'a.log', sha256: `sha256:${'0'.repeat(64)}`, bytes: 3 } });
    expectRefused(add(ROLE.consumerApprover, C), 'invalid-transition');
    s.publishTarget();
    expectRefused(add(ROLE.producerApprover, C), 'not-authorized');
    expectRefused(add(ROLE.consumerApprover, 'nobody'), 'unknown-name');
    expect(add(ROLE.consumerIc, C).ok).toBe(true);
  });
});

describe('decide: phases', () => {
  it('moves a phase not-started → active → closed, and each step only from the right status', () => {
    const s = new Scenario();
    expectRefused(s.decide({ type: 'close-phase', actor: ROLE.logOwner, phase: '7', reason: 'x' }), 'invalid-transition');
    s.phase('start', '7');
    expect(s.evaluate().phases[0]).toMatchObject({ id: '7', status: 'active' });
    expectRefused(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '7' }), 'invalid-transition');
    s.phase('close', '7', 'decision recorded');
    expect(s.evaluate().phases[0]).toMatchObject({ status: 'closed', reason: 'decision recorded' });
  });

  it('phases run in order', () => {
    const s = new Scenario();
    const refused = expectRefused(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '9' }), 'invalid-transition');
    expect(refused.message).toContain('Phase 7');
  });

  it('a phase whose entry gates fail cannot start, and the refusal lists the blockers', () => {
    const s = new Scenario();
    s.phase('start', '7');
    s.phase('close', '7', 'decision recorded');
    const refused = expectRefused(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' }), 'policy-refusal') as PolicyRefusalError;
    expect(refused.blockers.map((b) => b.gate)).toEqual(['target-published', 'bilateral-go', 'runtime-evidence', 'rollback-evidence']);
  });

  it('the whole story: GO earned, Phase 8 runs and completes, the target becomes the baseline', () => {
    const s = new Scenario();
    s.publishBaseline('v2.9.0');
    s.phase('start', '7');
    s.phase('close', '7', 'decision recorded');
    s.publishTarget();
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    expect(s.evaluate().window).toMatchObject({ approved: true });
    s.phase('start', '8');
    expect(s.evaluate().phases[1]).toMatchObject({ id: '8', status: 'active' });
    s.phase('complete', '8', 'cutover complete');
    const ev = s.evaluate();
    expect(ev.baseline).toEqual({ tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } });
    expect(ev.rollbackTarget?.tag).toBe('v2.9.0');
    expect(ev.nextPhase).toBe('9');
    expect(ev.blockers).toEqual([]);
    expect(ev.phases[2]).toMatchObject({ id: '9', status: 'not-started', reason: 'ready to start' });
  });

  it('only the decision-log owner moves phases', () => {
    const s = new Scenario();
    expectRefused(s.decide({ type: 'start-phase', actor: ROLE.producerApprover, phase: '7' }), 'not-authorized');
  });
});

describe('decide: manual blockers and incidents', () => {
  it('raises with an owner that must exist, numbers blockers, resolves only open ones', () => {
    const s = new Scenario();
    expectRefused(s.decide({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'x', owner: 'ghost', due: '2026-03-01' }), 'unknown-name');
    s.record({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'x', owner: ROLE.logOwner, due: '2026-03-01' });
    expect(s.events.at(-1)!.data).toMatchObject({ id: 'B-1' });
    expectRefused(s.decide({ type: 'resolve-blocker', actor: ROLE.logOwner, id: 'B-9', note: 'x' }), 'invalid-transition');
  });

  it('an incident is declared by the incident commander or rollback owner of its party', () => {
    const s = new Scenario();
    const refused = expectRefused(s.decide({ type: 'declare-incident', actor: ROLE.consumerIc, party: P, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }), 'not-authorized');
    expect(refused.message).toContain(ROLE.producerIc);
    expect(s.decide({ type: 'declare-incident', actor: ROLE.producerApprover, party: P, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }).ok).toBe(true);
  });
});

describe('decide: time', () => {
  it('refuses a command dated before the last event', () => {
    const s = new Scenario();
    const refused = expectRefused(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '7', at: '2000-01-01T00:00:00.000Z' }), 'time-order');
    expect(refused.message).toContain('seq 1');
  });
});
