/**
 * The given/when/then helper the domain tests stand on: it must fail when the decider disagrees, and
 * say what it expected and what it got; its history is dated by the history itself, not by a clock
 * shared between tests.
 */
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, NotAuthorizedError } from '../../src/errors.js';
import { at, decider, given, publishTarget, START, startPhase } from '../support/decider-spec.js';
import { ROLE } from '../support/program.js';

const phase7Started = { type: 'phase.started', actor: ROLE.logOwner, data: { phase: '7' } } as const;

describe('decider spec: then', () => {
  it('passes on the events decided, and returns the history with them', () => {
    const g = given().when(startPhase('7')).then([phase7Started]);
    expect(g.events.map((e) => e.type)).toEqual(['program.defined', 'phase.started']);
    expect(g.state.phases['7']?.status).toBe('active');
  });

  it('fails on a refusal, naming the command, the events expected and the error', () => {
    expect(() => given().when(startPhase('9')).then([{ type: 'phase.started', actor: ROLE.logOwner, data: { phase: '9' } }])).toThrow(
      /start-phase by integration-program-owner at 2026-02-01T09:02:00\.000Z\nexpected to record:\n {2}- phase\.started by integration-program-owner \{"phase":"9"\}\nrefused: InvalidTransitionError \(invalid-transition\): .*Phase 7/,
    );
  });

  it('fails on other events, listing the expected and the recorded ones', () => {
    expect(() => given().when(startPhase('7')).then([{ type: 'phase.started', actor: ROLE.logOwner, data: { phase: '8' } }])).toThrow(
      /expected to record:\n {2}- phase\.started by integration-program-owner \{"phase":"8"\}\nrecorded:\n {2}- phase\.started by integration-program-owner \{"phase":"7"\}/,
    );
    expect(() => given().when(startPhase('7')).then([])).toThrow(/expected to record:\n {2}\(no events\)\nrecorded:\n {2}- phase\.started/);
  });
});

describe('decider spec: thenError', () => {
  it('returns the typed error when the class and every message part match', () => {
    const error = given().when(startPhase('9')).thenError(InvalidTransitionError, 'Phase 7', /run in order/);
    expect(error).toBeInstanceOf(InvalidTransitionError);
  });

  it('fails when the command records, listing what it recorded', () => {
    expect(() => given().when(startPhase('7')).thenError(InvalidTransitionError)).toThrow(/expected a refusal \(InvalidTransitionError\), recorded:\n {2}- phase\.started by integration-program-owner \{"phase":"7"\}/);
  });

  it('fails on another class of error, naming the one given', () => {
    expect(() => given().when(startPhase('9')).thenError(NotAuthorizedError)).toThrow(/expected a refusal \(NotAuthorizedError\), refused: InvalidTransitionError \(invalid-transition\)/);
  });

  it('fails when a message part is missing', () => {
    expect(() => given().when(startPhase('9')).thenError(InvalidTransitionError, 'Phase 8 first')).toThrow(/the invalid-transition refusal's message/);
    expect(() => given().when(startPhase('9')).thenError(InvalidTransitionError, /^nothing like it$/)).toThrow(/the invalid-transition refusal's message/);
  });
});

describe('decider spec: given', () => {
  it('a history step the policy refuses fails there, naming the step and the refusal', () => {
    expect(() => given(startPhase('7'), startPhase('9'))).toThrow(/^given: step 3 \(start-phase by integration-program-owner at 2026-02-01T09:03:00\.000Z\) was refused: InvalidTransitionError \(invalid-transition\)/);
  });

  it('dates undated steps a minute apart from the start, a group at its time, a command at its own', () => {
    const g = given(startPhase('7'), at('2026-03-01T12:00:00Z', publishTarget(), { type: 'close-phase', actor: ROLE.logOwner, phase: '7', reason: 'r', at: '2026-03-02T00:00:00Z' }), publishTarget('v3.0.1'));
    expect(g.events.map((e) => e.at)).toEqual([START, '2026-02-01T09:02:00.000Z', '2026-03-01T12:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-02T00:01:00.000Z']);
    expect(decider({ start: '2026-05-01T00:00:00Z' }).given(startPhase('7')).events.map((e) => e.at)).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-01T00:01:00.000Z']);
  });

  it('shares no clock: the same history gives the same times, however many came before', () => {
    const times = () => given(startPhase('7')).when(publishTarget()).then([expect.objectContaining({ type: 'target.published' })]).events.map((e) => e.at);
    expect(times()).toEqual(times());
  });
});
