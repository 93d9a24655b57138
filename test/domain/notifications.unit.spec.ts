/**
 * What a program tells the places teams watch (src/domain/notifications.ts): given a history, when a
 * line lands or time passes, then which notifications, with ids that depend only on their cause.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/domain/evaluate.js';
import { lineNotifications, nextNotificationAt, NOTIFICATION_TYPES as T, timeNotifications, type Notification } from '../../src/domain/notifications.js';
import { replay } from '../../src/domain/state.js';
import { AFTER_GO, at, decider, declareIncident, evidence, given, READY_FOR_GO, verdict, type Given } from '../support/decider-spec.js';
import { C, P, programFixture, ROLE } from '../support/program.js';

/** The notifications the last line of `g` caused. */
function ofLastLine(g: Given): Notification[] {
  const last = g.events[g.events.length - 1]!;
  const before = replay(g.events.slice(0, -1));
  const when = new Date(last.at);
  return lineNotifications(last, before.definition === null ? null : evaluate(before, when), evaluate(g.state, when));
}

const types = (list: readonly Notification[]) => list.map((n) => `${n.type} ${n.subject}`);

describe('notifications of a line', () => {
  it('the line that defines the program tells nothing', () => {
    expect(ofLastLine(given())).toEqual([]);
  });

  it('a verdict is cast; the last GO changes the outcome and clears the all-parties gate', () => {
    const ready = given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'));
    expect(types(ofLastLine(ready))).toContain(`${T.verdictCast} decision:runtime-cutover`);
    const both = ready.and(verdict(C, 'runtime-cutover', 'GO'));
    const list = ofLastLine(both);
    expect(types(list)).toContain(`${T.verdictCast} decision:runtime-cutover`);
    expect(list.find((n) => n.type === T.outcomeChanged)).toMatchObject({ subject: 'decision:runtime-cutover', summary: expect.stringContaining('NO-GO → GO') });
    expect(list.some((n) => n.type === T.blockerCleared)).toBe(true);
  });

  it('a promoting phase completing is a service upgraded, with the release', () => {
    const g = given(...AFTER_GO.slice(0, -1));
    const list = ofLastLine(g);
    expect(types(list)).toEqual(expect.arrayContaining([`${T.phaseCompleted} phase:8`, `${T.serviceUpgraded} phase:8`]));
    expect(list.find((n) => n.type === T.serviceUpgraded)!.release).toEqual({ tag: 'v3.0.0', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  it('an incident declared is reported, with its commander, and its 15-minute notice is listed due soon at once', () => {
    const g = given(declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z'));
    const list = ofLastLine(g);
    expect(list.find((n) => n.type === T.incidentReported)).toMatchObject({ incident: { id: 'INC-1', severity: 'SEV-1', open: true }, owedBy: [{ party: P, role: ROLE.producerIc }] });
    expect(list.find((n) => n.subject === 'incident:INC-1:initial-notice')).toMatchObject({ type: T.deadlineDueSoon, commands: [`cutover incident notify INC-1 --as ${ROLE.producerIc}`] });
  });

  it('ids name the program, the seq and the cause: the same line gives the same ids', () => {
    const g = given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'));
    const ids = ofLastLine(g).map((n) => n.id);
    expect(ids).toEqual(ofLastLine(g).map((n) => n.id));
    expect(ids[0]).toBe(`${g.state.program}/${g.state.seq}/${T.verdictCast}/decision:runtime-cutover`);
  });
});

describe('notifications of time alone', () => {
  // Notice due 15:00; the rollback recommendation due 15:15.
  const sev1 = given(declareIncident('2026-03-10T14:46:00Z', '2026-03-10T14:45:00Z'));
  const ms = (iso: string) => Date.parse(iso);

  it('nothing is sent while nothing crosses', () => {
    expect(timeNotifications(sev1.evaluate('2026-03-10T14:50:00Z'), ms('2026-03-10T14:46:00Z'))).toEqual([]);
  });

  it('the notice passing its due time is overdue once, at the first instant after it', () => {
    const list = timeNotifications(sev1.evaluate('2026-03-10T15:00:30Z'), ms('2026-03-10T14:59:00Z'));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: T.deadlineOverdue, subject: 'incident:INC-1:initial-notice', time: '2026-03-10T15:00:00.001Z', owedBy: [{ party: P, role: ROLE.producerIc }] });
    // The next tick does not send it again; an hour later (the default repeat) it does, with a new id.
    expect(timeNotifications(sev1.evaluate('2026-03-10T15:01:00Z'), ms('2026-03-10T15:00:30Z'))).toEqual([]);
    const again = timeNotifications(sev1.evaluate('2026-03-10T16:00:00.001Z'), ms('2026-03-10T15:59:00Z')).filter((n) => n.subject === 'incident:INC-1:initial-notice');
    expect(again).toHaveLength(1);
    expect(again[0]!.id).not.toBe(list[0]!.id);
  });

  it('a long gap sends the latest crossing only, and the same id for the same crossing', () => {
    const a = timeNotifications(sev1.evaluate('2026-03-10T17:30:00Z'), ms('2026-03-10T14:50:00Z'), 60 * 60_000).filter((n) => n.subject === 'incident:INC-1:initial-notice');
    const b = timeNotifications(sev1.evaluate('2026-03-10T17:40:00Z'), ms('2026-03-10T14:55:00Z'), 60 * 60_000).filter((n) => n.subject === 'incident:INC-1:initial-notice');
    expect(a).toHaveLength(1);
    expect(a[0]!.id).toBe(b[0]!.id);
    expect(a[0]!.time).toBe('2026-03-10T17:00:00.001Z');
  });

  it('a deadline met is not announced', () => {
    const met = sev1.and(at('2026-03-10T14:55:00Z', { type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' }));
    expect(timeNotifications(met.evaluate('2026-03-10T15:00:30Z'), ms('2026-03-10T14:59:00Z')).map((n) => n.subject)).not.toContain('incident:INC-1:initial-notice');
  });

  it('a 24-hour summary becomes due soon an hour before, announced once', () => {
    const met = sev1.and(at('2026-03-10T14:55:00Z', { type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' }));
    const soon = timeNotifications(met.evaluate('2026-03-11T13:46:00Z'), ms('2026-03-11T13:40:00Z')).filter((n) => n.subject === 'incident:INC-1:joint-summary');
    expect(soon).toMatchObject([{ type: T.deadlineDueSoon, time: '2026-03-11T13:45:00.000Z' }]);
  });

  it('the next instant to look again is the next crossing', () => {
    expect(nextNotificationAt(sev1.evaluate('2026-03-10T14:50:00Z'))).toBe(ms('2026-03-10T15:00:00.001Z'));
    expect(nextNotificationAt(sev1.evaluate('2026-03-10T15:10:00Z'), 30 * 60_000)).toBe(Math.min(ms('2026-03-10T15:15:00.001Z'), ms('2026-03-10T15:30:00.001Z')));
  });
});

describe('a rollback, and the incident resolved', () => {
  const IC = { actor: ROLE.producerIc, id: 'INC-1' } as const;
  const rolledBack = given(...AFTER_GO, declareIncident()).and(
    at('2026-03-10T14:55:00Z', { type: 'notify-incident', ...IC }),
    at('2026-03-10T15:05:00Z', { type: 'recommend-rollback', ...IC }),
    at('2026-03-10T15:10:00Z', { type: 'execute-rollback', actor: ROLE.producerApprover, id: 'INC-1' }),
  );

  it('the rollback executed is a service rolled back, to the release it restored', () => {
    expect(ofLastLine(rolledBack).find((n) => n.type === T.serviceRolledBack)).toMatchObject({ subject: 'incident:INC-1', release: { tag: 'v2.9.0' } });
  });

  it('the incident closed is resolved, with the same incident PagerDuty keyed the trigger by', () => {
    const closed = rolledBack.and(
      at('2026-03-10T15:20:00Z', evidence(C, 'repin')),
      at('2026-03-10T15:25:00Z', { type: 'confirm-repin', actor: ROLE.consumerApprover, id: 'INC-1' }),
      at('2026-03-10T15:30:00Z', evidence(P, 'verification-run'), evidence(C, 'verification-run')),
      at('2026-03-11T09:00:00Z', { type: 'summarize-incident', actor: ROLE.consumerIc, id: 'INC-1', summary: 'rolled back to v2.9.0', residualRisk: 'low' }),
      at('2026-03-11T09:10:00Z', { type: 'approve-incident', actor: ROLE.producerApprover, id: 'INC-1' }),
      at('2026-03-11T09:20:00Z', { type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC-1' }),
      at('2026-03-11T09:30:00Z', { type: 'close-incident', actor: ROLE.producerIc, id: 'INC-1', note: 'closed at the joint review' }),
    );
    expect(ofLastLine(closed).find((n) => n.type === T.incidentResolved)).toMatchObject({ incident: { id: 'INC-1', severity: 'SEV-1', open: false } });
  });
});

describe('the cutover window in time', () => {
  // The window of runtime-cutover opens at 18:00 and closes at 20:00; Phase 8 has not started.
  const fixture = programFixture((d) => ({ ...d, window: { decision: 'runtime-cutover', opens: '2026-03-10T18:00:00Z', closes: '2026-03-10T20:00:00Z' } }));
  const g = decider({ fixture }).given(...READY_FOR_GO);
  const ms = (iso: string) => Date.parse(iso);

  it('is about to open an hour before it opens, once', () => {
    expect(timeNotifications(g.evaluate('2026-03-10T17:00:30Z'), ms('2026-03-10T16:59:00Z')).map((n) => n.type)).toEqual([T.windowOpening]);
    expect(timeNotifications(g.evaluate('2026-03-10T17:02:00Z'), ms('2026-03-10T17:00:30Z'))).toEqual([]);
  });

  it('is about to close when its closing becomes due soon, with the command that starts the phase in it', () => {
    const closing = timeNotifications(g.evaluate('2026-03-10T19:00:30Z'), ms('2026-03-10T18:59:00Z'));
    expect(closing).toMatchObject([{ type: T.windowClosing, subject: 'window:closes', commands: [expect.stringContaining('cutover phase start 8')] }]);
  });
});
