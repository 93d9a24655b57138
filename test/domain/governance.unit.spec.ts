/**
 * Governance as data, given/when/then: quorum per party, separation of duties, approvals that
 * expire, the cutover window in time, minimum durations, the baseline's minimum age, scheduled
 * reviews, business days and notice, approved pairs. Time boundaries are tested to the second.
 */
import { describe, expect, it } from 'vitest';
import { periodEnd } from '../../src/domain/calendar.js';
import { checkRepin } from '../../src/domain/pins.js';
import { InvalidTransitionError, NotAuthorizedError, PolicyRefusalError } from '../../src/errors.js';
import { generateKeyPair, signerFromPem } from '../../src/ledger/keys.js';
import type { DecisionDefinition, ProgramDefinition } from '../../src/program/schema.js';
import { at, completePhase, decider, publishBaseline, READY_FOR_GO, startPhase, verdict, type Given, type Step } from '../support/decider-spec.js';
import { C, P, programFixture, repinFacts, ROLE, SHA_A, SHA_C, type CommandInput, type ProgramFixture } from '../support/program.js';

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
function readyForVerdicts(fixture: ProgramFixture): Given {
  return decider({ fixture }).given(...READY_FOR_GO);
}

/** The story to Phase 9 active, started at `startedAt` (v2.9.0 baseline, v3.0.0 promoted by Phase 8 an hour before). */
function toPhase9(startedAt: string): Step[] {
  const hourBefore = new Date(Date.parse(startedAt) - 3_600_000).toISOString();
  return [
    at(hourBefore, ...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'), startPhase('8'), completePhase('8', 'cutover complete')),
    at(startedAt, startPhase('9')),
  ];
}

const go = (actor: string, value: 'GO' | 'NO-GO' = 'GO'): CommandInput => ({ type: 'cast-verdict', actor, decision: 'runtime-cutover', verdict: value });
const cutover = (g: Given, now?: string) => g.evaluate(now).decisions.find((d) => d.id === 'runtime-cutover')!;
const goDetails = (g: Given, now?: string) => cutover(g, now).blockers.find((b) => b.kind === 'all-parties-go')?.details ?? [];
const phase8Started = { type: 'phase.started', actor: ROLE.logOwner, data: { phase: '8' } } as const;

describe('quorum per party', () => {
  it('given approvals {memorykernel: 2, default: 1}, when one producer approver signs, then the blocker lists who signed, who may still sign and how many are missing', () => {
    const g = readyForVerdicts(governed(withCutoverRules({ approvals: { memorykernel: 2, default: 1 } }))).and(go(ROLE.producerApprover), go(ROLE.consumerApprover));
    expect(cutover(g).outcome).toBe('NO-GO');
    expect(goDetails(g)).toEqual([`MemoryKernel: 1 of 2 approvals (signed: ${ROLE.producerApprover}); 1 missing; may still sign: ${SECURITY}, ${DEPUTY}`]);
    const q = cutover(g).approvals![P]!;
    expect([q.required, q.missing, q.holds, q.counted.map((c) => c.role)]).toEqual([2, 1, false, [ROLE.producerApprover]]);
    expect(cutover(g).approvals![C]!.holds).toBe(true);
    expect(cutover(g.and(go(SECURITY))).outcome).toBe('GO');
  });

  it('one NO-GO from any approver holds the party at NO-GO until that same role changes it', () => {
    const g = readyForVerdicts(governed(withCutoverRules({ approvals: { memorykernel: 2 } }))).and(go(SECURITY, 'NO-GO'), go(ROLE.producerApprover), go(DEPUTY), go(ROLE.consumerApprover));
    expect(cutover(g).outcome).toBe('NO-GO');
    expect(goDetails(g)[0]).toMatch(new RegExp(`^MemoryKernel: NO-GO by ${SECURITY} at .* it stands until ${SECURITY} casts GO$`));
    expect(cutover(g.and(go(SECURITY))).outcome).toBe('GO');
  });

  it('two roles signing with one key count once', () => {
    const g = readyForVerdicts(governed(withCutoverRules({ approvals: { memorykernel: 2 } }), ROLE.producerApprover)).and(go(ROLE.producerApprover), go(DEPUTY), go(ROLE.consumerApprover));
    const q = cutover(g).approvals![P]!;
    expect(q.notCounted.map((n) => [n.role, n.reason])).toEqual([[DEPUTY, 'same-key']]);
    expect(cutover(g).outcome).toBe('NO-GO');
  });
});

describe('separation of duties', () => {
  it("given independent_of: [target.published], the publisher's own GO does not count; another approver's does", () => {
    const g = readyForVerdicts(governed(withCutoverRules({ independent_of: ['target.published'] }))).and(go(ROLE.producerApprover), go(ROLE.consumerApprover));
    expect(cutover(g).outcome).toBe('NO-GO');
    expect(goDetails(g)).toContain(`MemoryKernel: GO by ${ROLE.producerApprover} (seq ${g.state.roleVerdicts['runtime-cutover']![ROLE.producerApprover]!.seq}) does not count: that role published the target v3.0.0 @ ${SHA_A.slice(0, 12)} (independent_of: target.published)`);
    expect(cutover(g).approvals![P]!.mayStillSign).toEqual([SECURITY, DEPUTY]);
    expect(cutover(g.and(go(DEPUTY))).outcome).toBe('GO');
  });

  it('given require_duty: security, the counted approvals must include a security owner', () => {
    const g = readyForVerdicts(governed(withCutoverRules({ require_duty: { memorykernel: 'security' } }))).and(go(ROLE.producerApprover), go(ROLE.consumerApprover));
    expect(goDetails(g)).toEqual([`MemoryKernel: 1 of 1 approval (signed: ${ROLE.producerApprover}); 1 missing, one of them with duty security (${SECURITY}); may still sign: ${SECURITY}, ${DEPUTY}`]);
    expect(cutover(g.and(go(SECURITY))).outcome).toBe('GO');
  });
});

describe('approvals expire', () => {
  it('given valid_for: 72h, a GO counts until one second before 72h and is expired exactly at 72h, with when', () => {
    const g = readyForVerdicts(governed(withCutoverRules({ valid_for: '72h' }))).and(at('2026-03-02T10:00:00Z', go(ROLE.producerApprover), go(ROLE.consumerApprover)));
    expect(cutover(g, '2026-03-05T09:59:59Z').outcome).toBe('GO');
    const expired = cutover(g, '2026-03-05T10:00:00Z');
    expect(expired.outcome).toBe('NO-GO');
    expect(expired.approvals![P]!.notCounted).toEqual([expect.objectContaining({ role: ROLE.producerApprover, reason: 'expired', expiredAt: '2026-03-05T10:00:00.000Z' })]);
    // Starting the phase at the expiry is refused; a fresh GO counts again.
    const refused = g.when(at('2026-03-05T10:00:00Z', startPhase('8'))).thenError(PolicyRefusalError);
    expect(refused.blockers.map((b) => b.kind)).toEqual(['all-parties-go']);
    g.and(at('2026-03-05T10:00:00Z', go(ROLE.producerApprover), go(ROLE.consumerApprover)))
      .when(at('2026-03-05T10:00:00Z', startPhase('8')))
      .then([phase8Started]);
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
  const ready = () => readyForVerdicts(governed(window)).and(go(ROLE.producerApprover), go(ROLE.consumerApprover));
  const startAt = (g: Given, time: string) => g.when(at(time, startPhase('8')));

  it('refuses the executing phase one second before opens and allows it exactly at opens; status shows the time until it opens', () => {
    const g = ready();
    const refused = startAt(g, '2026-03-10T07:59:59Z').thenError(PolicyRefusalError);
    expect(refused.blockers.map((b) => [b.kind, b.details])).toEqual([['cutover-window', ['the cutover window opens at 2026-03-10T08:00:00.000Z (in 1 s); Phase 8 cannot start before']]]);
    expect(g.evaluate('2026-03-10T06:00:00Z').window!.time).toMatchObject({ state: 'not-yet-open', opensInMs: 7_200_000 });
    startAt(g, '2026-03-10T08:00:00Z').then([phase8Started]);
  });

  it('refuses inside a freeze (from included, until excluded) and at closes', () => {
    const g = ready();
    startAt(g, '2026-03-12T23:59:59Z').then([phase8Started]);
    const frozen = startAt(g, '2026-03-13T00:00:00Z').thenError(PolicyRefusalError);
    expect(frozen.blockers[0]!.details[0]).toMatch(/^freeze quarter-close .*finance quarter close.*can start from 2026-03-16T00:00:00.000Z$/);
    startAt(g, '2026-03-16T00:00:00Z').then([phase8Started]);
    expect(g.evaluate('2026-03-20T17:00:00Z').window!.time).toMatchObject({ state: 'open', closesInMs: 3_600_000 });
    startAt(g, '2026-03-20T17:59:59Z').then([phase8Started]);
    startAt(g, '2026-03-20T18:00:00Z').thenError(PolicyRefusalError);
  });
});

describe('minimum durations', () => {
  it('given min_duration: 14d on Phase 9, it completes no sooner than 14 days after it started, and the refusal says when', () => {
    const g = decider({ fixture: programFixture((def) => ({ ...def, phases: def.phases.map((p) => (p.id === '9' ? { ...p, min_duration: '14d' } : p)) })) }).given(...toPhase9('2026-03-01T12:00:00Z'));
    expect(g.evaluate('2026-03-02T00:00:00Z').phases.find((p) => p.id === '9')!.canCompleteAt).toBe('2026-03-15T12:00:00.000Z');
    const refused = g.when(at('2026-03-15T11:59:59Z', completePhase('9', 'stable'))).thenError(InvalidTransitionError);
    expect(refused.message).toBe('Phase 9 (Stabilization) cannot complete before 2026-03-15T12:00:00.000Z: it started at 2026-03-01T12:00:00.000Z and its min_duration is 14d');
    g.when(at('2026-03-15T12:00:00Z', completePhase('9', 'stable'))).then([{ type: 'phase.completed', actor: ROLE.logOwner, data: { phase: '9', reason: 'stable' } }]);
  });

  it('given targets.baseline_min_age: 14d, a candidate is published only once the baseline is 14 days in production', () => {
    const g = decider({ fixture: programFixture((def) => ({ ...def, targets: { baseline_min_age: '14d' } })) }).given(at('2026-03-01T00:00:00Z', publishBaseline()));
    const target = { tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } };
    const publish = { type: 'publish-target', actor: ROLE.producerApprover, target, as: 'candidate', check: null } as const;
    g.when(at('2026-03-14T23:59:59Z', publish)).thenError(InvalidTransitionError, /has been in production since 2026-03-01T00:00:00.000Z, and targets.baseline_min_age is 14d; it can be published from 2026-03-15T00:00:00.000Z$/);
    g.when(at('2026-03-15T00:00:00Z', publish)).then([{ type: 'target.published', actor: ROLE.producerApprover, data: { target, as: 'candidate', verification: null } }]);
  });
});

describe('scheduled reviews', () => {
  it('given review_every: 7d, a review is pending up to the due second, overdue one second later, and a recorded review restarts the clock', () => {
    const g = decider({ fixture: programFixture((def) => ({ ...def, phases: def.phases.map((p) => (p.id === '9' ? { ...p, review_every: '7d' } : p)) })) }).given(...toPhase9('2026-03-01T12:00:00Z'));
    const review = (h: Given, now: string) => h.evaluate(now).reviews;
    expect(review(g, '2026-03-08T12:00:00Z')).toEqual([expect.objectContaining({ phase: '9', due: '2026-03-08T12:00:00.000Z', status: 'pending', marginMs: 0 })]);
    expect(review(g, '2026-03-08T12:00:01Z')).toEqual([expect.objectContaining({ status: 'overdue', overdueByMs: 1000 })]);
    const reviewed = g.and(at('2026-03-09T09:00:00Z', { type: 'record-review', actor: ROLE.logOwner, phase: '9', note: 'error rates flat' }));
    expect(review(reviewed, '2026-03-09T09:00:00Z')).toEqual([expect.objectContaining({ due: '2026-03-16T09:00:00.000Z', status: 'pending', lastReview: expect.objectContaining({ at: '2026-03-09T09:00:00.000Z' }) })]);
    reviewed.when({ type: 'record-review', actor: ROLE.logOwner, phase: '8', note: 'x' }).thenError(InvalidTransitionError);
    reviewed.when({ type: 'record-review', actor: ROLE.producerApprover, phase: '9', note: 'x' }).thenError(NotAuthorizedError);
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
    const g = readyForVerdicts(
      governed((def) => ({
        ...def,
        calendar: { holidays: ['2026-03-09'] },
        gates: [...def.gates, { id: 'error-code-notice', kind: 'notice', period: '10bd', owner: ROLE.logOwner, text: 'Additive error codes need 10 business days of notice.' }],
        phases: def.phases.map((p) => (p.id === '8' ? { ...p, entry: [...p.entry, 'error-code-notice'] } : p)),
      })),
    ).and(go(ROLE.producerApprover), go(ROLE.consumerApprover));
    expect(g.when(at('2026-03-02T09:00:00Z', startPhase('8'))).thenError(PolicyRefusalError).blockers.map((b) => b.gate)).toEqual(['error-code-notice']);
    const noticed = g.and(at('2026-03-02T09:00:00Z', { type: 'give-notice', actor: ROLE.logOwner, gate: 'error-code-notice', text: 'RATE_LIMITED joins the error codes' }));
    // Ten business days from Monday 2 March, with Monday 9 March a holiday: Tuesday 17 March.
    expect(noticed.when(at('2026-03-17T08:59:59Z', startPhase('8'))).thenError(PolicyRefusalError).blockers[0]!.details).toEqual([
      'notice error-code-notice was given at 2026-03-02T09:00:00.000Z (seq ' + noticed.state.notices['error-code-notice']!.seq + '); its 10bd period ends at 2026-03-17T09:00:00.000Z',
    ]);
    noticed.when(at('2026-03-17T09:00:00Z', startPhase('8'))).then([phase8Started]);
  });
});

describe('approved pairs', () => {
  const declareAt = (time: string) => at(time, { type: 'declare-incident', actor: ROLE.producerIc, id: 'INC-1', trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'envelope' });
  const recommend = { type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' } as const;

  it('completing the promoting phase derives an approved pair; a rollback target must be one, and the refusal lists them', () => {
    const g = decider({ fixture: programFixture((def) => ({ ...def, compatibility: { rollback_to_approved_pair: true } })) }).given(...toPhase9('2026-03-01T12:00:00Z'));
    expect(g.state.approvedPairs).toEqual([expect.objectContaining({ tag: 'v3.0.0', sha: SHA_A, repins: { [C]: 'e5'.repeat(20) } })]);
    // v3.0.0 is the baseline now; roll forward to a v3.0.1 and back: v3.0.0 is approved, so allowed.
    const refused = g.and(declareAt('2026-03-02T00:00:00Z')).when(recommend).thenError(InvalidTransitionError);
    expect(refused.message).toBe(`the rollback target v2.9.0 @ ${SHA_C.slice(0, 12)} is not an approved pair (compatibility.rollback_to_approved_pair); approved pairs: v3.0.0 @ ${SHA_A.slice(0, 12)} (${C} ${'e5'.repeat(6)})`);
  });

  it('a pair listed in compatibility.approved may be rolled back to', () => {
    const listed = { tag: 'v2.9.0', sha: SHA_C, contracts: { service: 'service.v2' }, repins: { [C]: 'f6'.repeat(20) } };
    const declared = decider({ fixture: programFixture((def) => ({ ...def, compatibility: { rollback_to_approved_pair: true, approved: [listed] } })) }).given(
      ...toPhase9('2026-03-01T12:00:00Z'),
      declareAt('2026-03-02T00:00:00Z'),
    );
    declared.when(recommend).then([{ type: 'incident.rollback-recommended', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, from: { tag: 'v3.0.0', sha: SHA_A }, to: { tag: 'v2.9.0', sha: SHA_C } } }]);
    expect(declared.evaluate().approvedPairs.map((p) => [p.tag, p.seq > 0])).toEqual([['v2.9.0', false], ['v3.0.0', true]]);
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
