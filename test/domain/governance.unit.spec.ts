/**
 * Governance as data, given/when/then: quorum per party, separation of duties, approvals that
 * expire, the cutover window in time, minimum durations, the baseline's minimum age, scheduled
 * reviews, business days and notice, approved pairs. Time boundaries are tested to the second.
 */
import { describe, expect, it } from 'vitest';
import { periodEnd } from '../../src/domain/calendar.js';
import { checkRepin } from '../../src/domain/pins.js';
import type { PolicyRefusalError } from '../../src/errors.js';
import { generateKeyPair, signerFromPem } from '../../src/ledger/keys.js';
import type { DecisionDefinition, ProgramDefinition } from '../../src/program/schema.js';
import { C, expectRefused, P, programFixture, repinFacts, ROLE, Scenario, SHA_A, SHA_C, type ProgramFixture } from '../support/program.js';

const SECURITY = 'memorykernel-security-owner';
const DEPUTY = 'memorykernel-deputy-owner';

/** The standard program with a producer security owner (approver, security) and a producer deputy approver. */
function governed(edit: (def: ProgramDefinition) => ProgramDefinition = (d) => d, deputyKeyOf?: string): ProgramFixture {
  const security = generateKeyPair();
  const deputy = generateKeyPair();
  const fixture = programFixture((def) =>
    edit({
      ...def,
      roles: [
        ...def.roles,
        { id: SECURITY, title: 'MemoryKernel Security Owner', party: P, duties: ['approver', 'security'], keys: [security.publicKey] },
        { id: DEPUTY, title: 'MemoryKernel Deputy Release Owner', party: P, duties: ['approver'], keys: [deputyKeyOf === undefined ? deputy.publicKey : def.roles.find((r) => r.id === deputyKeyOf)!.keys[0]!] },
      ],
    }),
  );
  const signers = fixture.signers as Record<string, ReturnType<typeof signerFromPem>>;
  signers[SECURITY] = signerFromPem(security.privateKeyPem);
  signers[DEPUTY] = deputyKeyOf === undefined ? signerFromPem(deputy.privateKeyPem) : signers[deputyKeyOf]!;
  return fixture;
}

const withCutoverRules = (rules: Partial<DecisionDefinition>) => (def: ProgramDefinition): ProgramDefinition => ({
  ...def,
  decisions: def.decisions.map((d) => (d.id === 'runtime-cutover' ? { ...d, ...rules } : d)),
});

/** Phase 7 closed, v3.0.0 published by the producer's release owner, every piece of evidence in. */
function readyForVerdicts(fixture: ProgramFixture): Scenario {
  const s = new Scenario(fixture);
  s.publishBaseline();
  s.phase('start', '7');
  s.phase('close', '7', 'decision recorded');
  s.publishTarget();
  s.allEvidence();
  return s;
}

const go = (s: Scenario, actor: string, verdict: 'GO' | 'NO-GO' = 'GO') => s.record({ type: 'cast-verdict', actor, decision: 'runtime-cutover', verdict });
const cutover = (s: Scenario, now?: Date) => s.evaluate(now).decisions.find((d) => d.id === 'runtime-cutover')!;
const goDetails = (s: Scenario, now?: Date) => cutover(s, now).blockers.find((b) => b.kind === 'all-parties-go')?.details ?? [];

describe('quorum per party', () => {
  it('given approvals {memorykernel: 2, default: 1}, when one producer approver signs, then the blocker lists who signed, who may still sign and how many are missing', () => {
    const s = readyForVerdicts(governed(withCutoverRules({ approvals: { memorykernel: 2, default: 1 } })));
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    expect(cutover(s).outcome).toBe('NO-GO');
    expect(goDetails(s)).toEqual([`MemoryKernel: 1 of 2 approvals (signed: ${ROLE.producerApprover}); 1 missing; may still sign: ${SECURITY}, ${DEPUTY}`]);
    const q = cutover(s).approvals![P]!;
    expect([q.required, q.missing, q.holds, q.counted.map((c) => c.role)]).toEqual([2, 1, false, [ROLE.producerApprover]]);
    expect(cutover(s).approvals![C]!.holds).toBe(true);
    go(s, SECURITY);
    expect(cutover(s).outcome).toBe('GO');
  });

  it('one NO-GO from any approver holds the party at NO-GO until that same role changes it', () => {
    const s = readyForVerdicts(governed(withCutoverRules({ approvals: { memorykernel: 2 } })));
    go(s, SECURITY, 'NO-GO');
    go(s, ROLE.producerApprover);
    go(s, DEPUTY);
    go(s, ROLE.consumerApprover);
    expect(cutover(s).outcome).toBe('NO-GO');
    expect(goDetails(s)[0]).toMatch(new RegExp(`^MemoryKernel: NO-GO by ${SECURITY} at .* it stands until ${SECURITY} casts GO$`));
    go(s, SECURITY);
    expect(cutover(s).outcome).toBe('GO');
  });

  it('two roles signing with one key count once', () => {
    const s = readyForVerdicts(governed(withCutoverRules({ approvals: { memorykernel: 2 } }), ROLE.producerApprover));
    go(s, ROLE.producerApprover);
    go(s, DEPUTY);
    go(s, ROLE.consumerApprover);
    const q = cutover(s).approvals![P]!;
    expect(q.notCounted.map((n) => [n.role, n.reason])).toEqual([[DEPUTY, 'same-key']]);
    expect(cutover(s).outcome).toBe('NO-GO');
  });
});

describe('separation of duties', () => {
  it("given independent_of: [target.published], the publisher's own GO does not count; another approver's does", () => {
    const s = readyForVerdicts(governed(withCutoverRules({ independent_of: ['target.published'] })));
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    expect(cutover(s).outcome).toBe('NO-GO');
    expect(goDetails(s)).toContain(`MemoryKernel: GO by ${ROLE.producerApprover} (seq ${s.state.roleVerdicts['runtime-cutover']![ROLE.producerApprover]!.seq}) does not count: that role published the target v3.0.0 @ ${SHA_A.slice(0, 12)} (independent_of: target.published)`);
    expect(cutover(s).approvals![P]!.mayStillSign).toEqual([SECURITY, DEPUTY]);
    go(s, DEPUTY);
    expect(cutover(s).outcome).toBe('GO');
  });

  it('given require_duty: security, the counted approvals must include a security owner', () => {
    const s = readyForVerdicts(governed(withCutoverRules({ require_duty: { memorykernel: 'security' } })));
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    expect(goDetails(s)).toEqual([`MemoryKernel: 1 of 1 approval (signed: ${ROLE.producerApprover}); 1 missing, one of them with duty security (${SECURITY}); may still sign: ${SECURITY}, ${DEPUTY}`]);
    go(s, SECURITY);
    expect(cutover(s).outcome).toBe('GO');
  });
});

describe('approvals expire', () => {
  it('given valid_for: 72h, a GO counts until one second before 72h and is expired exactly at 72h, with when', () => {
    const s = readyForVerdicts(governed(withCutoverRules({ valid_for: '72h' })));
    s.setTime('2026-03-02T10:00:00Z');
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    expect(cutover(s, new Date('2026-03-05T09:59:59Z')).outcome).toBe('GO');
    const expired = cutover(s, new Date('2026-03-05T10:00:00Z'));
    expect(expired.outcome).toBe('NO-GO');
    expect(expired.approvals![P]!.notCounted).toEqual([expect.objectContaining({ role: ROLE.producerApprover, reason: 'expired', expiredAt: '2026-03-05T10:00:00.000Z' })]);
    // Starting the phase at the expiry is refused; a fresh GO counts again.
    s.setTime('2026-03-05T10:00:00Z');
    const refused = expectRefused(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' }), 'policy-refusal') as PolicyRefusalError;
    expect(refused.blockers.map((b) => b.kind)).toEqual(['all-parties-go']);
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    expect(s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' }).ok).toBe(true);
  });
});

describe('the cutover window in time', () => {
  const window = (def: ProgramDefinition): ProgramDefinition => ({
    ...def,
    window: {
      decision: 'runtime-cutover',
      opens: '2026-03-10T08:00:00Z',
      closes: '2026-03-20T18:00:00Z',
      freezes: [{ id: 'quarter-close', from: '2026-03-13T00:00:00Z', until: '2026-03-16T00:00:00Z', reason: 'finance quarter close' }],
    },
  });
  const ready = () => {
    const s = readyForVerdicts(governed(window));
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    return s;
  };
  const startAt = (s: Scenario, at: string) => s.setTime(at).decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' });

  it('refuses the executing phase one second before opens and allows it exactly at opens; status shows the time until it opens', () => {
    const s = ready();
    const refused = expectRefused(startAt(s, '2026-03-10T07:59:59Z'), 'policy-refusal') as PolicyRefusalError;
    expect(refused.blockers.map((b) => [b.kind, b.details])).toEqual([['cutover-window', ['the cutover window opens at 2026-03-10T08:00:00.000Z (in 1 s); Phase 8 cannot start before']]]);
    expect(s.evaluate(new Date('2026-03-10T06:00:00Z')).window!.time).toMatchObject({ state: 'not-yet-open', opensInMs: 7_200_000 });
    expect(startAt(s, '2026-03-10T08:00:00Z').ok).toBe(true);
  });

  it('refuses inside a freeze (from included, until excluded) and at closes', () => {
    const s = ready();
    expect(startAt(s, '2026-03-12T23:59:59Z').ok).toBe(true);
    const frozen = expectRefused(startAt(s, '2026-03-13T00:00:00Z'), 'policy-refusal') as PolicyRefusalError;
    expect(frozen.blockers[0]!.details[0]).toMatch(/^freeze quarter-close .*finance quarter close.*can start from 2026-03-16T00:00:00.000Z$/);
    expect(startAt(s, '2026-03-16T00:00:00Z').ok).toBe(true);
    expect(s.evaluate(new Date('2026-03-20T17:00:00Z')).window!.time).toMatchObject({ state: 'open', closesInMs: 3_600_000 });
    expect(startAt(s, '2026-03-20T17:59:59Z').ok).toBe(true);
    expectRefused(startAt(s, '2026-03-20T18:00:00Z'), 'policy-refusal');
  });
});

describe('minimum durations', () => {
  it('given min_duration: 14d on Phase 9, it completes no sooner than 14 days after it started, and the refusal says when', () => {
    const s = new Scenario(programFixture((def) => ({ ...def, phases: def.phases.map((p) => (p.id === '9' ? { ...p, min_duration: '14d' } : p)) })));
    advanceToPhase9(s, '2026-03-01T12:00:00Z');
    expect(s.evaluate(new Date('2026-03-02T00:00:00Z')).phases.find((p) => p.id === '9')!.canCompleteAt).toBe('2026-03-15T12:00:00.000Z');
    s.setTime('2026-03-15T11:59:59Z');
    const refused = expectRefused(s.decide({ type: 'complete-phase', actor: ROLE.logOwner, phase: '9', reason: 'stable' }), 'invalid-transition');
    expect(refused.message).toBe('Phase 9 (Stabilization) cannot complete before 2026-03-15T12:00:00.000Z: it started at 2026-03-01T12:00:00.000Z and its min_duration is 14d');
    s.setTime('2026-03-15T12:00:00Z');
    expect(s.decide({ type: 'complete-phase', actor: ROLE.logOwner, phase: '9', reason: 'stable' }).ok).toBe(true);
  });

  it('given targets.baseline_min_age: 14d, a candidate is published only once the baseline is 14 days in production', () => {
    const s = new Scenario(programFixture((def) => ({ ...def, targets: { baseline_min_age: '14d' } })));
    s.setTime('2026-03-01T00:00:00Z');
    s.publishBaseline();
    s.setTime('2026-03-14T23:59:59Z');
    const publish = () => s.decide({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } }, as: 'candidate', check: null });
    expect(expectRefused(publish(), 'invalid-transition').message).toMatch(/has been in production since 2026-03-01T00:00:00.000Z, and targets.baseline_min_age is 14d; it can be published from 2026-03-15T00:00:00.000Z$/);
    s.setTime('2026-03-15T00:00:00Z');
    expect(publish().ok).toBe(true);
  });
});

describe('scheduled reviews', () => {
  it('given review_every: 7d, a review is pending up to the due second, overdue one second later, and a recorded review restarts the clock', () => {
    const s = new Scenario(programFixture((def) => ({ ...def, phases: def.phases.map((p) => (p.id === '9' ? { ...p, review_every: '7d' } : p)) })));
    advanceToPhase9(s, '2026-03-01T12:00:00Z');
    const review = (at: string) => s.evaluate(new Date(at)).reviews;
    expect(review('2026-03-08T12:00:00Z')).toEqual([expect.objectContaining({ phase: '9', due: '2026-03-08T12:00:00.000Z', status: 'pending', marginMs: 0 })]);
    expect(review('2026-03-08T12:00:01Z')).toEqual([expect.objectContaining({ status: 'overdue', overdueByMs: 1000 })]);
    s.setTime('2026-03-09T09:00:00Z').record({ type: 'record-review', actor: ROLE.logOwner, phase: '9', note: 'error rates flat' });
    expect(review('2026-03-09T09:00:00Z')).toEqual([expect.objectContaining({ due: '2026-03-16T09:00:00.000Z', status: 'pending', lastReview: expect.objectContaining({ at: '2026-03-09T09:00:00.000Z' }) })]);
    expectRefused(s.decide({ type: 'record-review', actor: ROLE.logOwner, phase: '8', note: 'x' }), 'invalid-transition');
    expectRefused(s.decide({ type: 'record-review', actor: ROLE.producerApprover, phase: '9', note: 'x' }), 'not-authorized');
  });
});

describe('business days and notice', () => {
  it('counts Monday to Friday (UTC), skipping holidays, at the same time of day', () => {
    expect(periodEnd('2026-03-06T09:00:00Z', '1bd').toISOString()).toBe('2026-03-09T09:00:00.000Z'); // Friday → Monday
    expect(periodEnd('2026-03-06T09:00:00Z', '1bd', ['2026-03-09']).toISOString()).toBe('2026-03-10T09:00:00.000Z');
    expect(periodEnd('2026-03-02T09:00:00Z', '10bd').toISOString()).toBe('2026-03-16T09:00:00.000Z');
    expect(periodEnd('2026-03-07T09:00:00Z', '1bd').toISOString()).toBe('2026-03-09T09:00:00.000Z'); // Saturday → Monday
  });

  it('given a notice gate of 10bd on Phase 8, the phase starts no sooner than 10 business days after the notice', () => {
    const s = readyForVerdicts(
      governed((def) => ({
        ...def,
        calendar: { holidays: ['2026-03-09'] },
        gates: [...def.gates, { id: 'error-code-notice', kind: 'notice', period: '10bd', owner: ROLE.logOwner, text: 'Additive error codes need 10 business days of notice.' }],
        phases: def.phases.map((p) => (p.id === '8' ? { ...p, entry: [...p.entry, 'error-code-notice'] } : p)),
      })),
    );
    go(s, ROLE.producerApprover);
    go(s, ROLE.consumerApprover);
    const start = () => s.decide({ type: 'start-phase', actor: ROLE.logOwner, phase: '8' });
    s.setTime('2026-03-02T09:00:00Z');
    expect((expectRefused(start(), 'policy-refusal') as PolicyRefusalError).blockers.map((b) => b.gate)).toEqual(['error-code-notice']);
    s.record({ type: 'give-notice', actor: ROLE.logOwner, gate: 'error-code-notice', text: 'RATE_LIMITED joins the error codes' });
    // Ten business days from Monday 2 March, with Monday 9 March a holiday: Tuesday 17 March.
    s.setTime('2026-03-17T08:59:59Z');
    expect((expectRefused(start(), 'policy-refusal') as PolicyRefusalError).blockers[0]!.details).toEqual([
      'notice error-code-notice was given at 2026-03-02T09:00:00.000Z (seq ' + s.state.notices['error-code-notice']!.seq + '); its 10bd period ends at 2026-03-17T09:00:00.000Z',
    ]);
    s.setTime('2026-03-17T09:00:00Z');
    expect(start().ok).toBe(true);
  });
});

describe('approved pairs', () => {
  it('completing the promoting phase derives an approved pair; a rollback target must be one, and the refusal lists them', () => {
    const s = new Scenario(programFixture((def) => ({ ...def, compatibility: { rollback_to_approved_pair: true } })));
    advanceToPhase9(s, '2026-03-01T12:00:00Z');
    expect(s.state.approvedPairs).toEqual([expect.objectContaining({ tag: 'v3.0.0', sha: SHA_A, repins: { [C]: 'e5'.repeat(20) } })]);
    s.setTime('2026-03-02T00:00:00Z').record({ type: 'declare-incident', actor: ROLE.producerIc, id: 'INC-1', trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'envelope' });
    // v3.0.0 is the baseline now; roll forward to a v3.0.1 and back: v3.0.0 is approved, so allowed.
    const refused = expectRefused(s.decide({ type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' }), 'invalid-transition');
    expect(refused.message).toBe(`the rollback target v2.9.0 @ ${SHA_C.slice(0, 12)} is not an approved pair (compatibility.rollback_to_approved_pair); approved pairs: v3.0.0 @ ${SHA_A.slice(0, 12)} (${C} ${'e5'.repeat(6)})`);
  });

  it('a pair listed in compatibility.approved may be rolled back to', () => {
    const listed = { tag: 'v2.9.0', sha: SHA_C, contracts: { service: 'service.v2' }, repins: { [C]: 'f6'.repeat(20) } };
    const s = new Scenario(programFixture((def) => ({ ...def, compatibility: { rollback_to_approved_pair: true, approved: [listed] } })));
    advanceToPhase9(s, '2026-03-01T12:00:00Z');
    s.setTime('2026-03-02T00:00:00Z').record({ type: 'declare-incident', actor: ROLE.producerIc, id: 'INC-1', trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'envelope' });
    expect(s.decide({ type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' }).ok).toBe(true);
    expect(s.evaluate().approvedPairs.map((p) => [p.tag, p.seq > 0])).toEqual([['v2.9.0', false], ['v3.0.0', true]]);
  });
});

describe('same_as_producer pins', () => {
  const consumer = (def: ProgramDefinition) => ({
    ...def.parties.find((p) => p.id === C)!,
    pins: def.parties.find((p) => p.id === C)!.pins!.map((p) => (p.file === 'vendor/memorykernel/manifest.json' ? { ...p, same_as_producer: 'contract/manifest.json' } : p)),
  });
  const def = programFixture().definition;
  const target = { tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } };
  const facts = repinFacts(target);
  const vendored = facts.files['vendor/memorykernel/manifest.json']!.blob;

  it("refuses a vendored file whose blob differs from the producer's file at the target commit", () => {
    const check = checkRepin(consumer(def), target, { ...facts, producerBlobs: { 'contract/manifest.json': '9'.repeat(40) } });
    expect(check.problems).toEqual([`vendor/memorykernel/manifest.json (blob ${vendored.slice(0, 12)}) differs from the producer's contract/manifest.json at v3.0.0 @ ${SHA_A.slice(0, 12)} (blob 999999999999): a vendored copy must be byte-identical`]);
  });

  it("refuses without the producer's repository, and accepts a byte-identical copy, recording it", () => {
    expect(checkRepin(consumer(def), target, facts).problems[0]).toMatch(/add --producer-repo <dir>$/);
    const check = checkRepin(consumer(def), target, { ...facts, producerBlobs: { 'contract/manifest.json': vendored } });
    expect(check.problems).toEqual([]);
    expect(check.sameAsProducer).toEqual([{ path: 'vendor/memorykernel/manifest.json', producerPath: 'contract/manifest.json', blob: vendored }]);
  });
});

/** The story to Phase 9 active, started at `at` (v2.9.0 baseline, v3.0.0 promoted by Phase 8). */
function advanceToPhase9(s: Scenario, at: string): void {
  s.setTime(new Date(Date.parse(at) - 3_600_000).toISOString());
  s.publishBaseline();
  s.phase('start', '7');
  s.phase('close', '7', 'decision recorded');
  s.publishTarget();
  s.allEvidence();
  s.verdict(P, 'runtime-cutover', 'GO');
  s.verdict(C, 'runtime-cutover', 'GO');
  s.phase('start', '8');
  s.phase('complete', '8', 'cutover complete');
  s.setTime(at);
  s.phase('start', '9');
}
