/**
 * Admission, line by line: for every event type, a line signed by a role that may record it, but
 * that no command would have produced in the state before it. `verify` refuses each one, naming its
 * seq and the rule broken; a legitimate hand-signed line still verifies.
 */
import { describe, expect, it } from 'vitest';
import { admissionRefusal } from '../../src/domain/admission.js';
import { EVENT_TYPES, type EventDraft } from '../../src/domain/events.js';
import { LedgerVerificationError } from '../../src/errors.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { AFTER_GO, at, closePhase, declareIncident, given, publishBaseline, publishTarget, startPhase, verdict, type Given } from '../support/decider-spec.js';
import { C, P, ROLE, run, SHA_A, SHA_B, SHA_C, type CommandInput } from '../support/program.js';

const V3 = { tag: 'v3.0.0', sha: SHA_A };
const V2 = { tag: 'v2.9.0', sha: SHA_C };
const LATER = '2027-01-01T00:00:00.000Z';
const DIGEST = `sha256:${'0'.repeat(64)}`;

/** The history's ledger with `draft` appended, sealed and signed by its actor, never decided. */
function withLine(g: Given, draft: EventDraft): string[] {
  const event = seal(draft, { program: 'memorykernel-service-v3', seq: g.state.seq + 1, at: LATER, prev: g.state.head }, g.fixture.signers[draft.actor]!);
  return [...g.events, event].map(serialize);
}

function refusal(lines: readonly string[]): LedgerVerificationError {
  try {
    verifyLedger({ source: 'ledger.jsonl', lines });
  } catch (e) {
    if (e instanceof LedgerVerificationError) return e;
    throw e;
  }
  throw new Error('expected verify to refuse the line');
}

/** Phase 7 closed, nothing published: the example's state. */
const phase7Closed = (): Given => given(startPhase('7'), verdict(P, 'rehearsal-continuation', 'GO'), verdict(C, 'rehearsal-continuation', 'GO'), closePhase('7', 'decision recorded'));
const withTarget = (): Given => phase7Closed().and(publishBaseline(), publishTarget());
const afterGo = (): Given => given(...AFTER_GO);
const declared = (): Given => given(...AFTER_GO, declareIncident());
const story = (g: Given, ...commands: CommandInput[]): Given => g.and(at('2026-12-01T00:00:00.000Z', ...commands));

type DraftOf = EventDraft | ((g: Given) => EventDraft);

const cases: [string, () => Given, DraftOf, RegExp][] = [
  ['program.amended with nothing to amend', phase7Closed, (g) => ({ type: 'program.amended', actor: ROLE.logOwner, data: { definition: g.fixture.definition, digest: g.fixture.digest, file: DIGEST, reason: 'again' } }), /already matches the definition in force/],
  ['target.published twice', withTarget, { type: 'target.published', actor: ROLE.producerApprover, data: { target: { ...V3, contracts: { service: 'service.v3' } }, as: 'candidate', verification: { annotated: true, tagObject: null } } }, /already the published candidate/],
  ['target.verified with no target', phase7Closed, { type: 'target.verified', actor: ROLE.producerApprover, data: { ...V3, ok: true, facts: { annotated: true, tagObject: null }, problems: [] } }, /no runtime target has been published to verify/],
  ['target.verified naming another target', withTarget, { type: 'target.verified', actor: ROLE.producerApprover, data: { tag: 'v3.0.0', sha: SHA_B, ok: true, facts: { annotated: true, tagObject: null }, problems: [] } }, /data\.sha is ".*b2b2.*", the policy gives ".*a1a1/],
  ['a GO with unmet gates', withTarget, { type: 'verdict.cast', actor: ROLE.producerApprover, data: { decision: 'runtime-cutover', party: P, verdict: 'GO', target: V3 } }, /GO on runtime-cutover refused: 2 gates unmet/],
  ['a verdict bound to a target that is not the current one', withTarget, { type: 'verdict.cast', actor: ROLE.producerApprover, data: { decision: 'runtime-cutover', party: P, verdict: 'NO-GO', target: V2 } }, /data\.target\.(tag|sha)/],
  ['a repin from the producer', withTarget, { type: 'evidence.added', actor: ROLE.producerApprover, data: { kind: 'repin', party: P, target: V3, result: 'pass', summary: 'repin', commit: 'e5'.repeat(20), files: [{ path: 'x.json', blob: SHA_B }] } }, /declares no pin set/],
  ['a repin missing a pin-set file', withTarget, { type: 'evidence.added', actor: ROLE.consumerApprover, data: { kind: 'repin', party: C, target: V3, result: 'pass', summary: 'repin', commit: 'e5'.repeat(20), files: [{ path: 'elsewhere.json', blob: SHA_B }] } }, /recorded without/],
  ['evidence for a target that is not the current one', withTarget, { type: 'evidence.added', actor: ROLE.producerApprover, data: { kind: 'artifact', party: P, target: V2, result: 'pass', summary: 'a', file: 'a.bin', sha256: DIGEST, bytes: 1 } }, /data\.target/],
  ['a rollback PASS on a failed run', withTarget, { type: 'evidence.added', actor: ROLE.producerApprover, data: { kind: 'rollback-execution', party: P, target: V3, result: 'pass', summary: 's', rollbackTarget: V2, run: run(false), verdict: 'PASS' } }, /needs a passing run/],
  ['a failed verification run recorded as a pass', withTarget, { type: 'evidence.added', actor: ROLE.producerApprover, data: { kind: 'verification-run', party: P, target: V3, result: 'pass', summary: 's', run: { ...run(false), head: V3.sha }, checkout: { commit: V3.sha } } }, /data\.result is "pass", the policy gives "fail"/],
  ['a blocker raised twice', () => story(phase7Closed(), { type: 'raise-blocker', actor: ROLE.logOwner, id: 'B-1', text: 't', owner: ROLE.logOwner, due: '2026-03-01' }), { type: 'blocker.raised', actor: ROLE.logOwner, data: { id: 'B-1', text: 't', owner: ROLE.logOwner, due: '2026-03-01' } }, /blocker B-1 is already open/],
  ['a blocker resolved that is not open', phase7Closed, { type: 'blocker.resolved', actor: ROLE.logOwner, data: { id: 'B-9', note: 'done' } }, /no open blocker B-9/],
  ['a phase started with failing entry gates', phase7Closed, { type: 'phase.started', actor: ROLE.logOwner, data: { phase: '8' } }, /Phase 8 \(.*\) cannot start: 4 entry gates unmet/],
  ['a phase started out of order', () => given(), { type: 'phase.started', actor: ROLE.logOwner, data: { phase: '9' } }, /phases run in order/],
  ['a phase closed that is not active', phase7Closed, { type: 'phase.closed', actor: ROLE.logOwner, data: { phase: '8', reason: 'x' } }, /Phase 8 is not-started; only an active phase can be closed/],
  ['a completion before a start', phase7Closed, { type: 'phase.completed', actor: ROLE.logOwner, data: { phase: '8', reason: 'x' } }, /only an active phase can be completed/],
  ['an incident declared with deadlines of its own', afterGo, (g) => ({ type: 'incident.declared', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, trigger: 'envelope-mismatch', action: 'rollback', severity: 'SEV-1', summary: 's', identifiedAt: LATER, contractMode: 'service.v3', current: V3, rollbackTarget: V2, deadlines: { ...g.state.definition!.incidents!.deadlines, initial_notice: '1d' } } }), /data\.deadlines\.initial_notice/],
  ['an incident notified twice', () => story(declared(), { type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' }), { type: 'incident.notified', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, actions: [], nextUpdate: null } }, /initial notice of INC-1 was sent/],
  ['a rollback recommended to somewhere else', declared, { type: 'incident.rollback-recommended', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, from: V3, to: { tag: 'v1.0.0', sha: SHA_B } } }, /data\.to/],
  ['a rollback executed without a recommendation', declared, { type: 'incident.rollback-executed', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, from: V3, to: { ...V2, contracts: { service: 'service.v2' } }, phases: ['8', '9'] } }, /no rollback of INC-1 has been recommended/],
  ['a repin confirmation without the repin', () => story(declared(), { type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' }, { type: 'execute-rollback', actor: ROLE.producerIc, id: 'INC-1' }), { type: 'incident.repin-confirmed', actor: ROLE.consumerIc, data: { id: 'INC-1', party: C, target: V2, evidence: 3 } }, /has no accepted repin against the rollback target/],
  ['an update below the trigger minimum', declared, { type: 'incident.updated', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, note: 'n', actions: [], severity: 'SEV-3', nextUpdate: null } }, /SEV-3/],
  ['a summary of an incident never declared', afterGo, { type: 'incident.summarized', actor: ROLE.producerIc, data: { id: 'INC-7', party: P, summary: 's', residualRisk: 'r' } }, /INC-7/],
  ['an approval with no summary', declared, { type: 'incident.approved', actor: ROLE.producerApprover, data: { id: 'INC-1', party: P, summary: 1 } }, /has no summary to approve yet/],
  ['a review of a phase that schedules none', afterGo, { type: 'review.recorded', actor: ROLE.logOwner, data: { phase: '9', note: 'fine' } }, /Phase 9 schedules no reviews/],
  ['a notice for a gate that is not a notice gate', phase7Closed, { type: 'notice.given', actor: ROLE.logOwner, data: { gate: 'phase-7-closed', text: 'n' } }, /notice gate/],
  ['a clock correction with nothing dated after it', afterGo, { type: 'clock.corrected', actor: ROLE.logOwner, data: { misdatedFrom: 2, reason: 'r' } }, /nothing to correct/],
  ['an incident closed with items missing', declared, { type: 'incident.closed', actor: ROLE.producerIc, data: { id: 'INC-1', party: P, summary: 1, approvals: [], evidence: [] } }, /INC-1/],
];

describe('verify refuses a signed line the policy would not have recorded', () => {
  it.each(cases)('%s', (_name, history, draftOf, rule) => {
    const g = history();
    const error = refusal(withLine(g, typeof draftOf === 'function' ? draftOf(g) : draftOf));
    expect(error.fault).toBe('policy');
    expect(error.seq).toBe(g.state.seq + 1);
    expect(error.line).toBe(g.state.seq + 1);
    expect(error.message).toMatch(rule);
  });

  it('covers every event type but program.defined, which authority alone governs (once, at seq 1, by the log owner)', () => {
    const covered = new Set(cases.map(([, history, draftOf]) => (typeof draftOf === 'function' ? draftOf(history()) : draftOf).type));
    expect(EVENT_TYPES.filter((t) => !covered.has(t))).toEqual(['program.defined']);
  });

  it('a legitimate hand-signed line verifies: the same NO-GO decide would give', () => {
    const g = withTarget();
    const draft: EventDraft = { type: 'verdict.cast', actor: ROLE.producerApprover, data: { decision: 'runtime-cutover', party: P, verdict: 'NO-GO', target: V3, note: 'waiting' } };
    expect(verifyLedger({ source: 'l', lines: withLine(g, draft) }).events).toHaveLength(g.state.seq + 1);
    expect(admissionRefusal(g.state, { ...draft, at: LATER })).toBeNull();
  });
});
