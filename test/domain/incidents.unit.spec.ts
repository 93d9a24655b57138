/** The incident and rollback protocol, given/when/then on the standard template's policy. */
import { describe, expect, it } from 'vitest';
import type { Deadline } from '../../src/domain/incidents.js';
import {
  IncidentIncompleteError,
  InvalidInputError,
  InvalidTransitionError,
  NotAuthorizedError,
  RepinNotFoundError,
  SeverityBelowMinimumError,
  UnknownNameError,
} from '../../src/errors.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { AFTER_GO, at, decider, declareIncident, evidence, given, publishBaseline, publishTarget, type Given } from '../support/decider-spec.js';
import { C, P, programFixture, ROLE, SHA_A, SHA_C, type CommandInput } from '../support/program.js';

const V3 = { tag: 'v3.0.0', sha: SHA_A };
const V2 = { tag: 'v2.9.0', sha: SHA_C };

const notify = { type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' } as const;
const recommend = { type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' } as const;
const execute = { type: 'execute-rollback', actor: ROLE.producerApprover, id: 'INC-1' } as const;

const deadlines = (g: Given, now: string, open = true): Record<string, Partial<Deadline>> => {
  const ev = g.evaluate(now);
  const incident = (open ? ev.openIncidents : ev.closedIncidents).find((i) => i.id === 'INC-1')!;
  return Object.fromEntries(incident.deadlines.map((d) => [d.id, { status: d.status, due: d.due, doneAt: d.doneAt, overdueByMs: d.overdueByMs, marginMs: d.marginMs }]));
};

describe('the trigger matrix', () => {
  it.each<[string, 'SEV-1' | 'SEV-2' | 'SEV-3', 'SEV-1' | 'SEV-2' | null, string, string[]]>([
    // trigger, severity asked, minimum it is refused below (null: accepted), action, deadlines it is held to
    ['envelope-mismatch', 'SEV-1', null, 'rollback', ['initial-notice', 'rollback-recommendation', 'repin-confirmation', 'joint-summary']],
    ['envelope-mismatch', 'SEV-2', 'SEV-1', 'rollback', []],
    ['envelope-mismatch', 'SEV-3', 'SEV-1', 'rollback', []],
    ['fallback-regression', 'SEV-1', null, 'rollback-and-bridge', ['initial-notice', 'rollback-recommendation', 'repin-confirmation', 'joint-summary']],
    ['fallback-regression', 'SEV-2', 'SEV-1', 'rollback-and-bridge', []],
    ['fallback-regression', 'SEV-3', 'SEV-1', 'rollback-and-bridge', []],
    ['payload-drift', 'SEV-1', null, 'freeze', ['initial-notice', 'joint-summary']],
    ['payload-drift', 'SEV-2', null, 'freeze', ['initial-notice', 'joint-summary']],
    ['payload-drift', 'SEV-3', 'SEV-2', 'freeze', []],
    ['missing-evidence', 'SEV-1', null, 'no-go', ['initial-notice', 'joint-summary']],
    ['missing-evidence', 'SEV-2', null, 'no-go', ['initial-notice', 'joint-summary']],
    ['missing-evidence', 'SEV-3', 'SEV-2', 'no-go', []],
  ])('%s at %s: refused below %s; action %s; deadlines %j', (trigger, severity, refusedBelow, action, held) => {
    const g = given();
    const command = { type: 'declare-incident', actor: ROLE.producerIc, trigger, severity, summary: 'seen in rehearsal', id: 'INC-1' } as const;
    if (refusedBelow !== null) {
      const error = g.when(command).thenError(SeverityBelowMinimumError);
      expect(error.message).toBe(`${severity} is below the minimum severity of trigger ${trigger} (${refusedBelow}): declare it at ${refusedBelow} or above`);
      expect(g.state.incidents).toEqual({});
      return;
    }
    const declared = g.when(command).then([{ type: 'incident.declared', actor: ROLE.producerIc, data: expect.objectContaining({ id: 'INC-1', party: P, trigger, action, severity }) }]);
    const ev = declared.evaluate();
    expect(ev.openIncidents[0]!.deadlines.map((d) => d.id)).toEqual(held);
    // Every trigger's minimum is SEV-2 or above, so an open incident of any of them blocks the cutover.
    expect(ev.decisions.find((d) => d.id === 'runtime-cutover')!.blockers.map((b) => b.gate)).toContain('no-blocking-incident');
  });

  it('an unknown trigger or a severity the policy does not define is named', () => {
    given()
      .when({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'gremlins', severity: 'SEV-1', summary: 'x' })
      .thenError(UnknownNameError, 'envelope-mismatch, fallback-regression, payload-drift, missing-evidence');
  });

  it('an update may raise the severity, never below the trigger minimum', () => {
    const g = given({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'payload-drift', severity: 'SEV-2', summary: 'a field drifted', id: 'INC-1' });
    g.when({ type: 'update-incident', actor: ROLE.producerIc, id: 'INC-1', note: 'less bad', severity: 'SEV-3' }).thenError(SeverityBelowMinimumError);
    const raised = g.and({ type: 'update-incident', actor: ROLE.consumerIc, id: 'INC-1', note: 'consumers see wrong totals', severity: 'SEV-1', actions: ['pause the rollout'] });
    expect(raised.evaluate().openIncidents[0]).toMatchObject({ severity: 'SEV-1', actions: ['pause the rollout'] });
  });

  it('a program without an incidents: section says what to add', () => {
    const g = decider({ fixture: programFixture(({ incidents: _none, ...bare }) => bare) }).given();
    const error = g.when({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }).thenError(InvalidInputError);
    expect(error.message).toBe('cutover.yaml: field incidents: expected an incidents: section (severity classes, triggers, deadlines), found none');
  });
});

describe('deadlines at their exact boundaries', () => {
  // Identified at 14:45:00, the 15-minute notice is due at 15:00:00.
  it.each<[string, string, string | null, string, Partial<Deadline>]>([
    ['notice at 14:59:59', '2026-03-10T14:45:00Z', '2026-03-10T14:59:59Z', '2026-03-10T16:00:00Z', { status: 'met', doneAt: '2026-03-10T14:59:59.000Z', marginMs: 1000 }],
    ['notice at 15:00:00 exactly', '2026-03-10T14:45:00Z', '2026-03-10T15:00:00Z', '2026-03-10T16:00:00Z', { status: 'met', doneAt: '2026-03-10T15:00:00.000Z', marginMs: 0 }],
    ['notice at 15:00:01', '2026-03-10T14:45:00Z', '2026-03-10T15:00:01Z', '2026-03-10T16:00:00Z', { status: 'overdue', doneAt: '2026-03-10T15:00:01.000Z', overdueByMs: 1000 }],
    ['no notice, evaluated at 15:00:00', '2026-03-10T14:45:00Z', null, '2026-03-10T15:00:00Z', { status: 'pending', marginMs: 0, overdueByMs: null }],
    ['no notice, evaluated at 15:00:01', '2026-03-10T14:45:00Z', null, '2026-03-10T15:00:01Z', { status: 'overdue', doneAt: null, overdueByMs: 1000 }],
    ['due 14:59:59, notice at 14:59:59', '2026-03-10T14:44:59Z', '2026-03-10T14:59:59Z', '2026-03-10T16:00:00Z', { status: 'met', due: '2026-03-10T14:59:59.000Z', marginMs: 0 }],
    ['due 14:59:59, notice at 15:00:00', '2026-03-10T14:44:59Z', '2026-03-10T15:00:00Z', '2026-03-10T16:00:00Z', { status: 'overdue', due: '2026-03-10T14:59:59.000Z', overdueByMs: 1000 }],
  ])('%s', (_what, identifiedAt, noticeAt, now, expected) => {
    const g = given(declareIncident('2026-03-10T14:46:00Z', identifiedAt), noticeAt === null ? [] : at(noticeAt, notify));
    expect(deadlines(g, now)['initial-notice']).toMatchObject(expected);
  });

  it('the trigger cannot be identified after the incident is declared', () => {
    given()
      .when(at('2026-03-10T14:45:00Z', { type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x', identifiedAt: '2026-03-10T14:45:01.000Z' }))
      .thenError(InvalidTransitionError, 'cannot be identified (2026-03-10T14:45:01.000Z) after the incident is declared');
  });

  it('the repin confirmation waits for the rollback, then runs 30 minutes from it', () => {
    const declared = given(...AFTER_GO, declareIncident());
    expect(deadlines(declared, '2026-03-10T20:00:00Z')['repin-confirmation']).toMatchObject({ status: 'waiting', due: null });
    const rolledBack = declared.and(at('2026-03-10T14:50:00Z', recommend), at('2026-03-10T15:02:30Z', execute));
    expect(deadlines(rolledBack, '2026-03-10T15:32:31Z')['repin-confirmation']).toMatchObject({ status: 'overdue', due: '2026-03-10T15:32:30.000Z', overdueByMs: 1000 });
  });
});

describe('a rollback from GO back to the rollback target', () => {
  it('every step on time: every deadline met, the baseline restored, Phases 8 and 9 moved back, the history kept', () => {
    const declared = given(...AFTER_GO, declareIncident());
    const before = declared.evaluate('2026-03-10T14:47:00Z');
    expect(before.baseline).toMatchObject(V3);
    expect(before.rollbackTarget).toMatchObject(V2);
    expect(declared.events.at(-1)!.data).toMatchObject({ current: V3, rollbackTarget: V2, contractMode: 'service.v3', identifiedAt: '2026-03-10T14:45:00.000Z' });

    const g = declared.and(
      at('2026-03-10T14:55:00Z', { ...notify, actions: ['page the consumer on-call'] }),
      at('2026-03-10T15:05:00Z', recommend),
      at('2026-03-10T15:10:00Z', execute),
    );
    const rolledBack = g.evaluate('2026-03-10T15:10:00Z');
    expect(rolledBack.baseline).toEqual({ tag: 'v2.9.0', sha: SHA_C, contracts: { service: 'service.v2' } });
    expect(rolledBack.phases.map((p) => [p.id, p.status, p.reason])).toEqual([
      ['7', 'closed', 'decision recorded'],
      ['8', 'not-started', 'rolled back (INC-1)'],
      ['9', 'not-started', 'rolled back (INC-1)'],
      ['10', 'not-started', 'waiting for Phase 8'],
    ]);
    expect(rolledBack.target?.rolledBack).toMatchObject({ incident: 'INC-1' });
    const cutover = rolledBack.decisions.find((d) => d.id === 'runtime-cutover')!;
    expect(cutover.outcome).toBe('NO-GO');
    expect(cutover.blockers.find((b) => b.gate === 'target-published')!.details[0]).toMatch(/^target v3\.0\.0 @ a1a1a1a1a1a1 was rolled back by incident INC-1 \(seq \d+/);
    // The history stays: the promotion and the GOs are still in the ledger.
    expect(g.events.filter((e) => e.type === 'phase.completed' || e.type === 'verdict.cast').length).toBeGreaterThanOrEqual(3);

    // Evidence is now taken against the restored baseline.
    const repinned = g.and(at('2026-03-10T15:20:00Z', evidence(C, 'repin')));
    expect(repinned.events.at(-1)!.data).toMatchObject({ kind: 'repin', target: V2, result: 'pass' });
    const approved = repinned.and(
      at('2026-03-10T15:25:00Z', { type: 'confirm-repin', actor: ROLE.consumerApprover, id: 'INC-1' }),
      at('2026-03-10T15:30:00Z', evidence(P, 'verification-run'), evidence(C, 'verification-run')),
      at('2026-03-11T09:00:00Z', { type: 'summarize-incident', actor: ROLE.consumerIc, id: 'INC-1', summary: 'v3.0.0 dropped the envelope on 503s; rolled back to v2.9.0', residualRisk: 'low: v3.0.1 must carry an envelope contract test' }),
      at('2026-03-11T09:10:00Z', { type: 'approve-incident', actor: ROLE.producerApprover, id: 'INC-1' }),
      at('2026-03-11T09:20:00Z', { type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC-1' }),
    );
    expect(approved.evaluate('2026-03-11T09:20:00Z').openIncidents[0]!.missing).toEqual([]);
    const closedLedger = approved.and(at('2026-03-11T09:30:00Z', { type: 'close-incident', actor: ROLE.producerIc, id: 'INC-1', note: 'closed at the joint review' }));

    const closed = closedLedger.events.at(-1)!;
    expect(closed.type).toBe('incident.closed');
    expect(closed.data).toMatchObject({ approvals: [{ party: P, role: ROLE.producerApprover }, { party: C, role: ROLE.consumerApprover }] });
    expect((closed.data as { evidence: { party: string; kind: string }[] }).evidence.map((e) => `${e.party} ${e.kind}`)).toEqual([`${C} repin`, `${P} verification-run`, `${C} verification-run`]);
    const minutes = (m: number) => m * 60_000;
    expect(deadlines(closedLedger, '2026-03-20T00:00:00Z', false)).toEqual({
      'initial-notice': { status: 'met', due: '2026-03-10T15:00:00.000Z', doneAt: '2026-03-10T14:55:00.000Z', overdueByMs: null, marginMs: minutes(5) },
      'rollback-recommendation': { status: 'met', due: '2026-03-10T15:15:00.000Z', doneAt: '2026-03-10T15:05:00.000Z', overdueByMs: null, marginMs: minutes(10) },
      'repin-confirmation': { status: 'met', due: '2026-03-10T15:40:00.000Z', doneAt: '2026-03-10T15:25:00.000Z', overdueByMs: null, marginMs: minutes(15) },
      'joint-summary': { status: 'met', due: '2026-03-11T14:45:00.000Z', doneAt: '2026-03-11T09:20:00.000Z', overdueByMs: null, marginMs: minutes(5 * 60 + 25) },
    });
    const after = closedLedger.evaluate('2026-03-20T00:00:00Z');
    expect(after.openIncidents).toEqual([]);
    expect(after.baseline).toMatchObject(V2);
    expect(after.decisions.find((d) => d.id === 'runtime-cutover')!.blockers.map((b) => b.gate)).not.toContain('no-blocking-incident');
  });

  it('two deadlines missed: shown as overdue, one by how late it was done, one by how long it has been due', () => {
    const g = given(...AFTER_GO, declareIncident('2026-03-10T14:50:00Z'), at('2026-03-10T15:10:00Z', notify));
    expect(deadlines(g, '2026-03-10T15:40:00Z')).toEqual({
      'initial-notice': { status: 'overdue', due: '2026-03-10T15:00:00.000Z', doneAt: '2026-03-10T15:10:00.000Z', overdueByMs: 10 * 60_000, marginMs: null },
      'rollback-recommendation': { status: 'overdue', due: '2026-03-10T15:15:00.000Z', doneAt: null, overdueByMs: 25 * 60_000, marginMs: null },
      'repin-confirmation': { status: 'waiting', due: null, doneAt: null, overdueByMs: null, marginMs: null },
      'joint-summary': { status: 'pending', due: '2026-03-11T14:45:00.000Z', doneAt: null, overdueByMs: null, marginMs: (23 * 60 + 5) * 60_000 },
    });
    // Done late, a deadline stays overdue by how late it was done.
    const late = g.and(at('2026-03-10T15:45:30Z', { ...recommend, actor: ROLE.producerApprover }));
    expect(deadlines(late, '2026-03-11T00:00:00Z')['rollback-recommendation']).toMatchObject({ status: 'overdue', overdueByMs: 30 * 60_000 + 30_000, doneAt: '2026-03-10T15:45:30.000Z' });
  });

  it('close is refused until the reversal evidence is complete, naming exactly what is missing', () => {
    const declared = given(...AFTER_GO, declareIncident());
    const close = { type: 'close-incident', actor: ROLE.producerIc, id: 'INC-1' } as const;
    const missing = (g: Given) => g.when(close).thenError(IncidentIncompleteError).missing.map((m) => m.what);
    expect(missing(declared)).toEqual([
      'the initial notice',
      "the producer's rollback recommendation",
      'the rollback to the rollback target, executed',
      'the joint incident summary with its residual-risk statement',
      'MemoryKernel: owner approval of the summary',
      'AssistSupport: owner approval of the summary',
    ]);
    const rolledBack = declared.and(at('2026-03-10T14:55:00Z', notify), at('2026-03-10T15:05:00Z', recommend), at('2026-03-10T15:10:00Z', execute));
    const rollbackSeq = rolledBack.state.seq;
    const summarized = rolledBack.and(
      at('2026-03-10T15:30:00Z', evidence(P, 'verification-run', 'fail')),
      at('2026-03-10T16:00:00Z', { type: 'summarize-incident', actor: ROLE.producerIc, id: 'INC-1', summary: 'rolled back', residualRisk: 'none known' }),
      { type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC-1' },
    );
    expect(missing(summarized)).toEqual([
      'AssistSupport: repin confirmation against the rollback target v2.9.0 @ c3c3c3c3c3c3 (no accepted repin to it since the rollback)',
      `MemoryKernel: a passing run proving the restored baseline v2.9.0 @ c3c3c3c3c3c3 (verification-run or rollback-execution evidence after the rollback at seq ${rollbackSeq}): the latest (seq ${rollbackSeq + 1}, verification-run) FAILED: suite contract: contract-tests failed (exit 1)`,
      `AssistSupport: a passing run proving restored compatibility with v2.9.0 @ c3c3c3c3c3c3 (verification-run or rollback-execution evidence after the rollback at seq ${rollbackSeq}): none recorded since the rollback`,
      `MemoryKernel: owner approval of the summary (seq ${rollbackSeq + 2})`,
    ]);
    expect(summarized.when(close).thenError(IncidentIncompleteError).missing[0]!.command).toContain('cutover evidence repin --party assistsupport');
    // A new summary needs approving again.
    const resummarized = summarized.and({ type: 'summarize-incident', actor: ROLE.producerIc, id: 'INC-1', summary: 'rolled back; root cause found', residualRisk: 'none known' });
    expect(missing(resummarized).slice(-2)).toEqual([
      `MemoryKernel: owner approval of the summary (seq ${rollbackSeq + 4})`,
      `AssistSupport: owner approval of the summary (seq ${rollbackSeq + 4}) (its approval at seq ${rollbackSeq + 3} is of an earlier summary)`,
    ]);
  });

  it('a repin confirmation needs an accepted repin against the rollback target, recorded after the rollback', () => {
    const declared = given(...AFTER_GO, declareIncident());
    const confirm = { type: 'confirm-repin', actor: ROLE.consumerApprover, id: 'INC-1' } as const;
    declared.when(confirm).thenError(InvalidTransitionError, 'no rollback of INC-1 has been executed');
    const rolledBack = declared.and(at('2026-03-10T14:55:00Z', recommend), at('2026-03-10T15:00:00Z', execute));
    // The consumer's repin to v3.0.0 (before the rollback) is not a repin against the rollback target.
    const refused = rolledBack.when(confirm).thenError(RepinNotFoundError);
    expect(refused.message).toBe(`assistsupport has no accepted repin against the rollback target v2.9.0 @ c3c3c3c3c3c3 recorded after the rollback (seq ${rolledBack.state.seq})`);
    expect(refused.hints[0]).toContain('cutover evidence repin --party assistsupport');
    const repinned = rolledBack.and(at('2026-03-10T15:05:00Z', evidence(C, 'repin')));
    const confirmed = repinned.when(confirm).then([{ type: 'incident.repin-confirmed', actor: ROLE.consumerApprover, data: { id: 'INC-1', party: C, target: V2, evidence: repinned.state.seq } }]);
    confirmed.when(confirm).thenError(InvalidTransitionError);
  });

  it('a rollback needs a recommendation, a rollback target and a target to roll back from, and happens once', () => {
    const declared = given({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x', id: 'INC-1' });
    declared.when(execute).thenError(InvalidTransitionError, 'no rollback of INC-1 has been recommended');
    declared.when(recommend).thenError(InvalidTransitionError, 'there is no rollback target');
    const withBaseline = declared.and(publishBaseline('v2.9.0', SHA_C));
    withBaseline.when(recommend).thenError(InvalidTransitionError, 'nothing to roll back from');
    const rolledBack = withBaseline.and(publishTarget('v3.0.0', SHA_A), recommend, execute);
    // Phase 8 never started: nothing moves back, but the target no longer counts.
    expect(rolledBack.events.at(-1)!.data).toMatchObject({ from: V3, to: { ...V2, contracts: { service: 'service.v2' } }, phases: [] });
    rolledBack.when(execute).thenError(InvalidTransitionError);
    rolledBack
      .when({ type: 'publish-target', actor: ROLE.producerApprover, target: { ...V3, contracts: { service: 'service.v3' } }, as: 'candidate', check: null })
      .thenError(InvalidTransitionError, 'was rolled back by incident INC-1');
  });

  it('a closed incident takes no more steps', () => {
    const notified = given({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'missing-evidence', severity: 'SEV-2', summary: 'no drill log', id: 'INC-1' }, notify);
    notified.when(notify).thenError(InvalidTransitionError);
    const closed = notified.and(
      { type: 'summarize-incident', actor: ROLE.producerIc, id: 'INC-1', summary: 'log attached', residualRisk: 'none' },
      { type: 'approve-incident', actor: ROLE.producerApprover, id: 'INC-1' },
      { type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC-1' },
      { type: 'close-incident', actor: ROLE.consumerIc, id: 'INC-1' },
    );
    closed.when({ type: 'update-incident', actor: ROLE.producerIc, id: 'INC-1', note: 'x' }).thenError(InvalidTransitionError, /^incident INC-1 was closed at seq \d+/);
    closed.when({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'missing-evidence', severity: 'SEV-2', summary: 'again', id: 'INC-1' }).thenError(InvalidTransitionError);
    closed.when({ type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-9' }).thenError(UnknownNameError, 'INC-1');
  });
});

describe('authority: each step by the incident commander or rollback owner of the right party', () => {
  it.each<[string, CommandInput, string]>([
    ["the consumer's on-call declaring for the producer", { type: 'declare-incident', actor: ROLE.consumerIc, party: P, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }, `role "${ROLE.consumerIc}" may not declare an incident for memorykernel: it needs the incident commander or rollback owner of memorykernel: ${ROLE.producerIc}, ${ROLE.producerApprover}`],
    ["the consumer's on-call recommending the rollback", { type: 'recommend-rollback', actor: ROLE.consumerIc, id: 'INC-1' }, `role "${ROLE.consumerIc}" may not recommend a rollback for assistsupport: it is recorded by the incident commander or rollback owner of a producer party (memorykernel): ${ROLE.producerIc}, ${ROLE.producerApprover}`],
    ["the consumer's owner executing it", { type: 'execute-rollback', actor: ROLE.consumerApprover, id: 'INC-1' }, `role "${ROLE.consumerApprover}" may not record a rollback as executed for assistsupport: it is recorded by the incident commander or rollback owner of a producer party (memorykernel): ${ROLE.producerIc}, ${ROLE.producerApprover}`],
    ["the producer's on-call confirming a repin", { type: 'confirm-repin', actor: ROLE.producerIc, id: 'INC-1' }, `role "${ROLE.producerIc}" may not confirm a repin for memorykernel: it is recorded by the incident commander or rollback owner of a consumer party (assistsupport): ${ROLE.consumerIc}, ${ROLE.consumerApprover}`],
    ['an incident commander approving the summary', { type: 'approve-incident', actor: ROLE.producerIc, id: 'INC-1' }, `role "${ROLE.producerIc}" may not approve the incident summary for memorykernel: it needs the rollback owner of memorykernel: ${ROLE.producerApprover}`],
    ['the joint log owner sending the notice', { type: 'notify-incident', actor: ROLE.logOwner, id: 'INC-1' }, `role "${ROLE.logOwner}" may not send the initial notice of an incident for memorykernel: it needs the incident commander or rollback owner of memorykernel: ${ROLE.producerIc}, ${ROLE.producerApprover}`],
  ])('refuses %s, naming the roles that may', (_what, command, message) => {
    const g = given(...AFTER_GO, declareIncident());
    expect(g.when(command).thenError(NotAuthorizedError).message).toBe(message);
  });

  it('verify holds a hand-written ledger line to the same rules', () => {
    const g = given(...AFTER_GO, declareIncident());
    const forged = seal(
      { type: 'incident.rollback-recommended', actor: ROLE.consumerIc, data: { id: 'INC-1', party: C, from: V3, to: V2 } },
      { program: 'memorykernel-service-v3', seq: g.state.seq + 1, at: '2026-03-10T15:00:00.000Z', prev: g.state.head },
      g.fixture.signers[ROLE.consumerIc]!,
    );
    const lines = [...g.events, forged].map(serialize);
    expect(() => verifyLedger({ source: 'l', lines })).toThrow(/not-allowed: role "assistsupport-incident-commander" may not recommend a rollback/);
  });
});
