/**
 * The "now" list (src/domain/now.ts): given a history, evaluated at a time, then what must happen
 * next, most urgent first, who must act, and when the list next changes with time alone.
 */
import { describe, expect, it } from 'vitest';
import { DUE_SOON_MS, nowOf, type NowList } from '../../src/domain/now.js';
import { at, declareIncident, decider, given, READY_FOR_GO, startPhase, verdict, type Given } from '../support/decider-spec.js';
import { C, P, programFixture, ROLE } from '../support/program.js';

const notify = (nextUpdate?: string) => ({ type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1', ...(nextUpdate === undefined ? {} : { nextUpdate }) }) as const;
const raiseBlocker = (owner: string, due: string) => ({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'security sign-off of the envelope change', owner, due }) as const;

/** What a user sees change: which items, in which order, in which state, and whose move it is. */
function shape(list: NowList): string[] {
  return [...list.items.map((i) => `${i.key}${i.kind === 'deadline' ? ` ${i.state}` : ''}`), `move: ${list.whoseMove.map((m) => `${m.party}(${m.roles.join(',')})`).join(' ')}`];
}

/**
 * Walks the list's changes from `from`, `steps` times: at each nextChangeAt the list differs from the
 * one a millisecond before, which is the list at the start of the step. Returns the instants walked.
 */
function walk(g: Given, from: string, steps: number): string[] {
  const seen: string[] = [];
  let list = nowOf(g.evaluate(from));
  for (let i = 0; i < steps && list.nextChangeAt !== null; i++) {
    const next = list.nextChangeAt;
    const before = nowOf(g.evaluate(new Date(Date.parse(next) - 1)));
    expect(shape(before), `the list just before ${next}`).toEqual(shape(list));
    const after = nowOf(g.evaluate(next));
    expect(shape(after), `the list at ${next}`).not.toEqual(shape(list));
    seen.push(next);
    list = after;
  }
  return seen;
}

describe('now: an overdue incident notice comes first', () => {
  // A SEV-1 identified at 14:45 with a 15-minute initial notice: five minutes overdue at 15:05.
  const sev1 = given(declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z'));

  it('the first item names the notice, how late, and the incident commander role and party, with the command that meets it', () => {
    const now = nowOf(sev1.evaluate('2026-03-10T15:05:00Z'));
    expect(now.mostUrgent).toEqual(now.items[0]);
    expect(now.items[0]).toMatchObject({
      kind: 'deadline',
      deadline: 'incident-deadline',
      what: 'INC-1 initial notice',
      due: '2026-03-10T15:00:00.000Z',
      state: 'overdue',
      overdueByMs: 5 * 60_000,
      owedBy: [{ party: P, role: ROLE.producerIc }],
      commands: [`cutover incident notify INC-1 --as ${ROLE.producerIc}`],
      incident: 'INC-1',
    });
  });

  it('then the deadlines due soon, the open incident with its commander, and whose move in that order', () => {
    const now = nowOf(sev1.evaluate('2026-03-10T15:05:00Z'));
    expect(shape(now)).toEqual([
      'incident:INC-1:initial-notice overdue',
      'incident:INC-1:rollback-recommendation due-soon',
      'incident:INC-1',
      `move: ${P}(${ROLE.producerIc})`,
    ]);
    expect(now.items[1]).toMatchObject({ due: '2026-03-10T15:15:00.000Z', dueInMs: 10 * 60_000, overdueByMs: null });
    expect(now.items[2]).toMatchObject({ kind: 'incident', severity: 'SEV-1', commander: { party: P, role: ROLE.producerIc } });
  });

  it('the joint summary (24h) is not on the list until an hour before it is due', () => {
    const g = sev1.and(at('2026-03-10T14:55:00Z', notify()));
    const summary = (when: string) => nowOf(g.evaluate(when)).items.find((i) => i.key === 'incident:INC-1:joint-summary');
    expect(summary('2026-03-11T13:44:59.999Z')).toBeUndefined();
    expect(summary('2026-03-11T13:45:00Z')).toMatchObject({ state: 'due-soon', dueInMs: DUE_SOON_MS, owedBy: [{ party: P, role: ROLE.producerIc }, { party: P, role: ROLE.producerApprover }, { party: C, role: ROLE.consumerApprover }] });
  });

  it('a deadline met, on time or late, leaves the list', () => {
    const late = sev1.and(at('2026-03-10T15:01:00Z', notify()));
    expect(nowOf(late.evaluate('2026-03-10T15:05:00Z')).items.map((i) => i.key)).not.toContain('incident:INC-1:initial-notice');
  });

  it('the list changes exactly at nextChangeAt: the recommendation due soon is overdue from the first instant after it is due', () => {
    const now = nowOf(sev1.evaluate('2026-03-10T15:05:00Z'));
    expect(now.nextChangeAt).toBe('2026-03-10T15:15:00.001Z');
    expect(walk(sev1, '2026-03-10T14:46:00Z', 10)).toEqual([
      // Both protocol deadlines are due within the hour from the start: soon at once, then overdue in turn.
      '2026-03-10T15:00:00.001Z',
      '2026-03-10T15:15:00.001Z',
      '2026-03-11T13:45:00.000Z',
      '2026-03-11T14:45:00.001Z',
    ]);
  });

  it('an update promised at a time is due then, owed by the incident commander', () => {
    const g = sev1.and(at('2026-03-10T14:50:00Z', notify('2026-03-10T16:00:00Z')));
    expect(nowOf(g.evaluate('2026-03-10T14:58:59.999Z')).items.map((i) => i.key)).not.toContain('incident:INC-1:update');
    const late = nowOf(g.evaluate('2026-03-10T16:00:00.001Z')).items.find((i) => i.key === 'incident:INC-1:update');
    expect(late).toMatchObject({ state: 'overdue', owedBy: [{ party: P, role: ROLE.producerIc }], commands: [`cutover incident update INC-1 --note "…" --as ${ROLE.producerIc}`] });
  });
});

describe('now: blockers wait on someone', () => {
  it("a manual blocker with an owner waits on the owner's party, and is due by the end of its due day", () => {
    const g = given(at('2026-11-30T09:00:00Z', raiseBlocker(ROLE.producerApprover, '2026-12-05')));
    const calm = nowOf(g.evaluate('2026-12-01T02:00:00Z'));
    expect(calm.items).toEqual([
      expect.objectContaining({ kind: 'blocker', blocker: 'B-1', manual: true, owner: { party: P, role: ROLE.producerApprover }, waitingOn: [{ party: P, role: ROLE.producerApprover }], due: '2026-12-05' }),
    ]);
    expect(calm.whoseMove).toEqual([{ party: P, roles: [ROLE.producerApprover] }]);
    expect(calm.nextChangeAt).toBe('2026-12-05T23:00:00.000Z');
    const late = nowOf(g.evaluate('2026-12-07T02:00:00Z'));
    expect(late.items[0]).toMatchObject({ deadline: 'blocker-due', key: 'blocker:B-1:due', state: 'overdue', due: '2026-12-06T00:00:00.000Z', overdueByMs: 26 * 3600_000 });
    expect(walk(g, '2026-12-01T02:00:00Z', 5)).toEqual(['2026-12-05T23:00:00.000Z', '2026-12-06T00:00:00.000Z']);
  });

  it('a gate waiting on parties names the role each party should act as; its owner is named too', () => {
    const now = nowOf(given(...READY_FOR_GO).evaluate());
    const allGo = now.items.find((i) => i.key === 'gate:bilateral-go');
    expect(allGo).toMatchObject({ waitingOn: [{ party: P, role: ROLE.producerApprover }, { party: C, role: ROLE.consumerApprover }], owner: { party: 'joint', role: ROLE.logOwner } });
    expect(now.whoseMove).toEqual([
      { party: P, roles: [ROLE.producerApprover] },
      { party: C, roles: [ROLE.consumerApprover] },
    ]);
  });

  it('whose move follows the urgency: the overdue deadline, then the incident, then the blockers, each party once', () => {
    const g = given(at('2026-03-01T09:00:00Z', raiseBlocker(ROLE.consumerApprover, '2026-03-20')), declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z'));
    const now = nowOf(g.evaluate('2026-03-10T15:05:00Z'));
    expect(now.items.map((i) => i.kind)).toEqual(['deadline', 'deadline', 'incident', 'blocker']);
    expect(now.whoseMove).toEqual([
      { party: P, roles: [ROLE.producerIc] },
      { party: C, roles: [ROLE.consumerApprover] },
    ]);
  });

  it('nothing pressing: an empty list that time alone does not change', () => {
    const now = nowOf(given().evaluate('2026-02-02T00:00:00Z'));
    expect(now).toEqual({ at: '2026-02-02T00:00:00.000Z', items: [], whoseMove: [], mostUrgent: null, nextChangeAt: null });
  });
});

describe('now: reviews and the cutover window', () => {
  it('a review of an active phase is due soon an hour before, and overdue from the first instant after it is due', () => {
    const { given: withReviews } = decider({ fixture: programFixture((d) => ({ ...d, phases: d.phases.map((p) => (p.id === '7' ? { ...p, review_every: '7d' } : p)) })) });
    const g = withReviews(at('2026-03-01T10:00:00Z', startPhase('7')));
    expect(nowOf(g.evaluate('2026-03-02T00:00:00Z')).nextChangeAt).toBe('2026-03-08T09:00:00.000Z');
    expect(nowOf(g.evaluate('2026-03-08T09:30:00Z')).items[0]).toMatchObject({
      deadline: 'review',
      what: 'review of Phase 7',
      state: 'due-soon',
      dueInMs: 30 * 60_000,
      owedBy: [{ party: 'joint', role: ROLE.logOwner }],
      commands: [`cutover review record 7 --note "…" --as ${ROLE.logOwner}`],
    });
    expect(walk(g, '2026-03-02T00:00:00Z', 5)).toEqual(['2026-03-08T09:00:00.000Z', '2026-03-08T10:00:00.001Z']);
  });

  it("the window closing is due soon while its phase has not started; once closed it is the phase's blocker", () => {
    const closes = '2026-03-20T18:00:00.000Z';
    const { given: withWindow } = decider({ fixture: programFixture((d) => ({ ...d, window: { decision: 'runtime-cutover', opens: '2026-03-20T08:00:00Z', closes } })) });
    const g = withWindow(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'));
    // Ready, but the window is not open yet: its opening is the next change.
    const early = nowOf(g.evaluate('2026-03-19T00:00:00Z'));
    expect(early.items.map((i) => i.key)).toEqual(['gate:cutover-window']);
    expect(early.nextChangeAt).toBe('2026-03-20T08:00:00.000Z');
    expect(nowOf(g.evaluate('2026-03-20T17:00:00Z')).items[0]).toMatchObject({ deadline: 'window-closes', state: 'due-soon', dueInMs: 3600_000, owedBy: [{ party: 'joint', role: ROLE.logOwner }], commands: [`cutover phase start 8 --as ${ROLE.logOwner}`] });
    expect(walk(g, '2026-03-19T00:00:00Z', 5)).toEqual(['2026-03-20T08:00:00.000Z', '2026-03-20T17:00:00.000Z', closes]);
    expect(nowOf(g.evaluate(closes)).items.map((i) => i.key)).toEqual(['gate:cutover-window']);
  });

  it('once its phase has started, the window closing is no deadline', () => {
    const { given: withWindow } = decider({ fixture: programFixture((d) => ({ ...d, window: { decision: 'runtime-cutover', opens: '2026-03-20T08:00:00Z', closes: '2026-03-20T18:00:00Z' } })) });
    const g = withWindow(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'), at('2026-03-20T17:30:00Z', startPhase('8')));
    const now = nowOf(g.evaluate('2026-03-20T17:45:00Z'));
    expect(now.items.map((i) => i.key)).not.toContain('window:closes');
    expect(now.nextChangeAt).toBe(null);
  });
});

describe('now: gates that hold or fail with time', () => {
  it('a counted GO that expires (valid_for) brings its party back on the list, exactly then', () => {
    const { given: expiring } = decider({ fixture: programFixture((d) => ({ ...d, decisions: d.decisions.map((x) => (x.id === 'runtime-cutover' ? { ...x, valid_for: '72h' } : x)) })) });
    const g = expiring(...READY_FOR_GO, at('2026-03-01T10:00:00Z', verdict(P, 'runtime-cutover', 'GO')), at('2026-03-01T12:00:00Z', verdict(C, 'runtime-cutover', 'GO')));
    const ready = nowOf(g.evaluate('2026-03-02T00:00:00Z'));
    expect(ready.items).toEqual([]);
    expect(ready.nextChangeAt).toBe('2026-03-04T10:00:00.000Z');
    expect(walk(g, '2026-03-02T00:00:00Z', 5)).toEqual(['2026-03-04T10:00:00.000Z', '2026-03-04T12:00:00.000Z']);
    expect(nowOf(g.evaluate('2026-03-04T12:00:00Z')).whoseMove).toEqual([
      { party: P, roles: [ROLE.producerApprover] },
      { party: C, roles: [ROLE.consumerApprover] },
    ]);
  });

  it('a notice period ending clears its gate, exactly then', () => {
    const fixture = programFixture((d) => ({
      ...d,
      gates: [...d.gates, { id: 'customer-notice', kind: 'notice' as const, period: '2d', owner: ROLE.logOwner, text: 'Customers are told two days ahead.' }],
      phases: d.phases.map((p) => (p.id === '7' ? { ...p, entry: [...p.entry, 'customer-notice'] } : p)),
    }));
    const g = decider({ fixture }).given(at('2026-03-01T10:00:00Z', { type: 'give-notice', actor: ROLE.logOwner, gate: 'customer-notice', text: 'cutover on the 3rd' }));
    const waiting = nowOf(g.evaluate('2026-03-02T00:00:00Z'));
    expect(waiting.items).toEqual([expect.objectContaining({ key: 'gate:customer-notice', waitingOn: [{ party: 'joint', role: ROLE.logOwner }] })]);
    expect(waiting.nextChangeAt).toBe('2026-03-03T10:00:00.000Z');
    expect(walk(g, '2026-03-02T00:00:00Z', 5)).toEqual(['2026-03-03T10:00:00.000Z']);
  });
});
