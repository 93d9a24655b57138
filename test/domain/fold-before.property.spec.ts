/**
 * The fold was made cheaper (issue 30): records written out instead of spread, evidence stored under
 * the key of the record it replaces, the time marks copied once, commands built as one literal, a
 * GO decided without explaining the other parties' GO. Over generated histories, at every event,
 * it must compute what it computed before (fold-before.ts): the same state, member for member and
 * in the same order (JSON: checkpoints and outputs are written from it), and the same decision on
 * the command admission takes the line back to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/domain/admission.js';
import { nextTimeMarks, TIME_MARKS_KEPT, type TimeMark } from '../../src/domain/clock-correction.js';
import { decide, type Decided } from '../../src/domain/decide.js';
import { blockersBeforeGo, decisionBlockers } from '../../src/domain/evaluate.js';
import { evidenceTarget, evolve, initialState, type ProgramState } from '../../src/domain/state.js';
import { AFTER_GO, decider, declareIncident, READY_FOR_GO, verdict, type Given } from '../support/decider-spec.js';
import { C, evidenceInput, P, ROLE, SHA_A, SHA_B, SHA_C, VERIFIED, type CommandInput } from '../support/program.js';
import { commandOfBefore, evolveBefore, nextTimeMarksBefore } from './fold-before.js';

type Ask = (state: ProgramState) => CommandInput | null;

const phase = fc.constantFrom('7', '8', '9', '10');
const party = fc.constantFrom(P, C);
const note = fc.option(fc.constantFrom('looks good', 'see the run log'), { nil: undefined });
const approverOf = (who: string) => (who === P ? ROLE.producerApprover : ROLE.consumerApprover);
const icOf = (who: string) => (who === P ? ROLE.producerIc : ROLE.consumerIc);
const withNote = (command: CommandInput, text: string | undefined): CommandInput => (text === undefined ? command : ({ ...command, note: text } as CommandInput));

/** Commands of every kind the fold records, optional members given or not. */
const ask: fc.Arbitrary<Ask> = fc.oneof(
  phase.map((p): Ask => () => ({ type: 'start-phase', actor: ROLE.logOwner, phase: p })),
  fc.tuple(phase, fc.boolean()).map(([p, done]): Ask => () => ({ type: done ? 'complete-phase' : 'close-phase', actor: ROLE.logOwner, phase: p, reason: 'done' })),
  fc.tuple(fc.constantFrom('rehearsal-continuation', 'runtime-cutover'), party, fc.constantFrom('GO', 'NO-GO') as fc.Arbitrary<'GO' | 'NO-GO'>, note).map(
    ([decision, who, v, text]): Ask => () => withNote({ type: 'cast-verdict', actor: approverOf(who), decision, verdict: v }, text),
  ),
  // v3.0.0 twice, at two commits: evidence for one must not replace evidence for the other.
  fc.constantFrom(['v3.0.0', SHA_A, 'candidate'], ['v3.0.1', SHA_B, 'candidate'], ['v3.0.0', SHA_B, 'candidate'], ['v2.9.0', SHA_C, 'baseline']).map(
    ([tag, sha, as]): Ask => () => ({
      type: 'publish-target',
      actor: ROLE.producerApprover,
      target: { tag: tag!, sha: sha!, contracts: { service: as === 'baseline' ? 'service.v2' : 'service.v3' } },
      as: as as 'candidate' | 'baseline',
      check: VERIFIED,
    }),
  ),
  fc.tuple(party, fc.constantFrom('handoff-payload', 'repin', 'rollback-execution', 'rollback-drill', 'verification-run', 'artifact'), fc.constantFrom('pass', 'fail') as fc.Arbitrary<'pass' | 'fail'>).map(
    ([who, kind, result]): Ask => (state) =>
      evidenceTarget(state) === null || (kind.startsWith('rollback') && state.rollbackTarget === null)
        ? null
        : { type: 'add-evidence', actor: approverOf(who), party: who, evidence: evidenceInput(state, kind, result, who) },
  ),
  fc.tuple(fc.constantFrom('B-1', 'B-2'), fc.option(phase, { nil: undefined }), fc.boolean()).map(
    ([id, inPhase, raise]): Ask => () =>
      raise
        ? { type: 'raise-blocker', actor: ROLE.logOwner, id, text: 'waiting', owner: ROLE.logOwner, due: '2026-03-01', ...(inPhase === undefined ? {} : { phase: inPhase }) }
        : { type: 'resolve-blocker', actor: ROLE.logOwner, id, note: 'done' },
  ),
  fc.tuple(party, note, fc.constantFrom('declare', 'notify', 'update', 'recommend', 'execute', 'summarize', 'approve', 'close')).map(
    ([who, text, step]): Ask => () => {
      const actor = icOf(who);
      switch (step) {
        case 'declare':
          return { type: 'declare-incident', actor, id: 'INC-1', trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x' };
        case 'notify':
          return withNote({ type: 'notify-incident', actor, id: 'INC-1', actions: ['paged the owner'] }, text);
        case 'update':
          return { type: 'update-incident', actor, id: 'INC-1', note: text ?? 'still looking', ...(text === undefined ? {} : { severity: 'SEV-1' as const }) };
        case 'recommend':
          return withNote({ type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC-1' }, text);
        case 'execute':
          return withNote({ type: 'execute-rollback', actor: ROLE.producerIc, id: 'INC-1' }, text);
        case 'summarize':
          return { type: 'summarize-incident', actor, id: 'INC-1', summary: 'what happened', residualRisk: 'none' };
        case 'approve':
          return withNote({ type: 'approve-incident', actor: approverOf(who), id: 'INC-1' }, text);
        default:
          return withNote({ type: 'close-incident', actor, id: 'INC-1' }, text);
      }
    },
  ),
);

const program = decider();
const stories = [
  program.given(),
  program.given(...READY_FOR_GO),
  program.given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO')),
  program.given(...AFTER_GO),
  program.given(...AFTER_GO, declareIncident()),
];
const story = fc.constantFrom(...stories);

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

/** A decision as text: its events (members in order), or its error's class, message and fields. */
function plain(decided: Decided): string {
  if (decided.ok) return JSON.stringify(decided.events);
  const { error } = decided;
  return JSON.stringify({ error: error.name, code: error.code, message: error.message, fields: { ...error } });
}

describe('the fold computes what it computed before', () => {
  it('at every event of a history: the same state, the same decision on the command the line stands for, the same blockers before a GO', () => {
    fc.assert(
      fc.property(story, fc.array(ask, { maxLength: 30 }), (start, commands) => {
        const g = historyOf(start, commands);
        let state = initialState();
        for (const event of g.events) {
          if (state.definition !== null) {
            expect(plain(decide(state, commandOf(event)))).toBe(plain(decide(state, commandOfBefore(event))));
            const now = new Date(event.at);
            for (const decision of state.definition.decisions) {
              const before = decisionBlockers(state, state.definition, decision, now).filter((b) => b.kind !== 'all-parties-go');
              expect(JSON.stringify(blockersBeforeGo(state, state.definition, decision, now))).toBe(JSON.stringify(before));
            }
          }
          const next = evolve(state, event);
          expect(JSON.stringify(next)).toBe(JSON.stringify(evolveBefore(state, event)));
          state = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the same time marks, whichever way the time of the lines moves', () => {
    const times = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3 * TIME_MARKS_KEPT });
    fc.assert(
      fc.property(times, (minutes) => {
        let marks: readonly TimeMark[] = [];
        let before: readonly TimeMark[] = [];
        minutes.forEach((m, i) => {
          const at = new Date(Date.parse('2026-06-01T00:00:00Z') + m * 60_000).toISOString();
          marks = nextTimeMarks(marks, i + 1, at);
          before = nextTimeMarksBefore(before, i + 1, at);
          expect(marks).toEqual(before);
        });
      }),
      { numRuns: 500 },
    );
  });
});
