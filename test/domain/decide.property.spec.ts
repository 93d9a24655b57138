/**
 * decide over generated histories, given / when / then: it depends on the ledger alone and answers
 * the same twice; a command dated before the last event is refused, whatever it asks; a role the
 * program does not define records nothing; what is accepted is one event, by the role that asked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type Decided } from '../../src/domain/decide.js';
import { evidenceTarget, replay, type ProgramState } from '../../src/domain/state.js';
import { TimeOrderError } from '../../src/errors.js';
import { AFTER_GO, decider, declareIncident, READY_FOR_GO, verdict, type Given } from '../support/decider-spec.js';
import { C, evidenceInput, P, ROLE, SHA_A, SHA_B, SHA_C, VERIFIED, type CommandInput } from '../support/program.js';

/** A command a role might give on a state, whether or not the policy allows it; null where it cannot be formed. */
type Ask = (state: ProgramState) => CommandInput | null;

const ROLES = Object.values(ROLE);
const phase = fc.constantFrom('7', '8', '9', '10');
const party = fc.constantFrom(P, C);
const approverOf = (who: string) => (who === P ? ROLE.producerApprover : ROLE.consumerApprover);

/** Commands by the role the policy expects for them. */
const ask: fc.Arbitrary<Ask> = fc.oneof(
  phase.map((p): Ask => () => ({ type: 'start-phase', actor: ROLE.logOwner, phase: p })),
  fc.tuple(phase, fc.boolean()).map(([p, done]): Ask => () => ({ type: done ? 'complete-phase' : 'close-phase', actor: ROLE.logOwner, phase: p, reason: 'done' })),
  fc.tuple(fc.constantFrom('rehearsal-continuation', 'runtime-cutover'), party, fc.constantFrom('GO', 'NO-GO') as fc.Arbitrary<'GO' | 'NO-GO'>).map(
    ([decision, who, verdict]): Ask => () => ({ type: 'cast-verdict', actor: approverOf(who), decision, verdict }),
  ),
  fc.constantFrom(['v3.0.0', SHA_A, 'candidate'], ['v3.0.1', SHA_B, 'candidate'], ['v2.9.0', SHA_C, 'baseline']).map(
    ([tag, sha, as]): Ask => () => ({
      type: 'publish-target',
      actor: ROLE.producerApprover,
      target: { tag: tag!, sha: sha!, contracts: { service: as === 'baseline' ? 'service.v2' : 'service.v3' } },
      as: as as 'candidate' | 'baseline',
      check: VERIFIED,
    }),
  ),
  fc.tuple(party, fc.constantFrom('handoff-payload', 'repin', 'rollback-execution', 'verification-run'), fc.constantFrom('pass', 'fail') as fc.Arbitrary<'pass' | 'fail'>).map(
    ([who, kind, result]): Ask => (state) =>
      evidenceTarget(state) === null || (kind === 'rollback-execution' && state.rollbackTarget === null)
        ? null
        : { type: 'add-evidence', actor: approverOf(who), party: who, evidence: evidenceInput(state, kind, result, who) },
  ),
  fc.constantFrom('raise', 'resolve').map(
    (what): Ask => () =>
      what === 'raise' ? { type: 'raise-blocker', actor: ROLE.logOwner, id: 'B-1', text: 'waiting', owner: ROLE.logOwner, due: '2026-03-01' } : { type: 'resolve-blocker', actor: ROLE.logOwner, id: 'B-1', note: 'done' },
  ),
  fc.constantFrom(
    (): CommandInput => ({ type: 'declare-incident', actor: ROLE.producerIc, id: 'INC-1', trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' }),
    (): CommandInput => ({ type: 'notify-incident', actor: ROLE.producerIc, id: 'INC-1' }),
    (): CommandInput => ({ type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' }),
    (): CommandInput => ({ type: 'execute-rollback', actor: ROLE.producerApprover, id: 'INC-1' }),
  ),
);

/** A command, given now and then by another of the program's roles than the one expected. */
const command: fc.Arbitrary<Ask> = fc
  .tuple(ask, fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(...ROLES), weight: 1 }))
  .map(([make, other]): Ask => (state) => {
    const c = make(state);
    return c === null || other === null ? c : { ...c, actor: other };
  });

// One program (one set of keys) for every run. A Given is a value, so the stories below are recorded
// once and every run continues one of them without disturbing the others.
const program = decider();
const stories = [
  program.given(),
  program.given(...READY_FOR_GO),
  program.given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO')),
  program.given(...AFTER_GO),
  program.given(...AFTER_GO, declareIncident()),
];
const story = fc.constantFrom(...stories);

/** `start`, then the accepted ones of `commands`, in order; refused ones leave no trace. */
function historyOf(start: Given, commands: readonly Ask[]): Given {
  let g = start;
  for (const make of commands) {
    const c = make(g.state);
    if (c === null) continue;
    const w = g.when(c);
    if (w.decided.ok) g = g.record(w.decided.events, w.command.at);
  }
  return g;
}

/** A decision as plain data: the events, or the error's class, code, message and every field it carries. */
function plain(decided: Decided): unknown {
  if (decided.ok) return { events: decided.events };
  const { error } = decided;
  return { error: error.name, code: error.code, message: error.message, fields: { ...error } };
}

describe('decide over generated histories', () => {
  it('depends on the ledger alone: the same command on the same history, or on its replay, gets the same answer', () => {
    fc.assert(
      fc.property(story, fc.array(command, { maxLength: 25 }), command, (start, history, make) => {
        const g = historyOf(start, history);
        const c = make(g.state);
        fc.pre(c !== null);
        const w = g.when(c!);
        expect(plain(decide(g.state, w.command))).toEqual(plain(w.decided));
        expect(plain(decide(replay(g.events), w.command))).toEqual(plain(w.decided));
      }),
      { numRuns: 100 },
    );
  });

  it('a command dated before the last event is refused for its time, whatever it asks, naming the last seq', () => {
    fc.assert(
      fc.property(story, fc.array(command, { maxLength: 20 }), command, fc.integer({ min: 1, max: 30 * 86_400_000 }), (start, history, make, earlierByMs) => {
        const g = historyOf(start, history);
        const c = make(g.state);
        fc.pre(c !== null);
        const at = new Date(Date.parse(g.state.lastAt!) - earlierByMs).toISOString();
        g.when({ ...c!, at }).thenError(TimeOrderError, `seq ${g.state.seq}`);
      }),
      { numRuns: 100 },
    );
  });

  it('a role the program does not define records nothing', () => {
    fc.assert(
      fc.property(story, fc.array(command, { maxLength: 20 }), ask, (start, history, make) => {
        const g = historyOf(start, history);
        const c = make(g.state);
        fc.pre(c !== null);
        expect(g.when({ ...c!, actor: 'ghost-role' }).decided.ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('what decide accepts is one event, recorded by the role that gave the command', () => {
    fc.assert(
      fc.property(story, fc.array(command, { maxLength: 25 }), command, (start, history, make) => {
        const g = historyOf(start, history);
        const c = make(g.state);
        fc.pre(c !== null);
        const w = g.when(c!);
        fc.pre(w.decided.ok);
        w.then([expect.objectContaining({ actor: c!.actor })]);
      }),
      { numRuns: 100 },
    );
  });
});
