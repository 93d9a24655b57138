/** The words a list of programs is read by, defined once (src/domain/urgency.ts): given a history, then what is overdue now and how urgent it is. */
import { describe, expect, it } from 'vitest';
import { currentPhase, overdueNow, urgencyOf } from '../../src/domain/urgency.js';
import { at, declareIncident, given } from '../support/decider-spec.js';
import { ROLE } from '../support/program.js';

const notify = { type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' } as const;

describe('overdue now', () => {
  it('an incident deadline past due and not met is overdue, by how much; the program is most urgent', () => {
    const ev = given(declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z')).evaluate('2026-03-10T15:05:00Z');
    expect(overdueNow(ev)).toEqual([{ kind: 'incident-deadline', incident: 'INC-1', deadline: 'initial-notice', due: '2026-03-10T15:00:00.000Z', overdueByMs: 5 * 60_000 }]);
    expect(urgencyOf(ev)).toBe('overdue');
  });

  it('a deadline met late is not overdue now (it was): an open incident, not an overdue program', () => {
    const ev = given(declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z'), at('2026-03-10T15:01:00Z', notify)).evaluate('2026-03-10T15:05:00Z');
    expect(ev.openIncidents[0]!.deadlines.find((d) => d.id === 'initial-notice')).toMatchObject({ status: 'overdue', doneAt: '2026-03-10T15:01:00.000Z' });
    expect(overdueNow(ev)).toEqual([]);
    expect(urgencyOf(ev)).toBe('incident');
  });

  it('a manual blocker past its due date is overdue, with its owner', () => {
    const g = given(at('2026-03-01T09:00:00Z', { type: 'raise-blocker', actor: ROLE.logOwner, text: 'security review', owner: ROLE.logOwner, due: '2026-03-05' }));
    expect(overdueNow(g.evaluate('2026-03-04T12:00:00Z'))).toEqual([]);
    expect(overdueNow(g.evaluate('2026-03-06T12:00:00Z'))).toEqual([{ kind: 'blocker', blocker: 'B-1', due: '2026-03-05', owner: ROLE.logOwner }]);
  });
});

describe('urgency and the current phase', () => {
  it('a fresh program has nothing pressing (Phase 7 needs no gate), and no phase started', () => {
    const ev = given().evaluate('2026-02-02T00:00:00Z');
    expect(urgencyOf(ev)).toBe('calm');
    expect(currentPhase(ev)).toBe('not started; next Phase 7');
  });

  it('an active phase is where the program stands', () => {
    const ev = given({ type: 'start-phase', actor: ROLE.logOwner, phase: '7' }).evaluate('2026-02-02T00:00:00Z');
    expect(currentPhase(ev)).toMatch(/^Phase 7 .*: active$/);
  });
});
