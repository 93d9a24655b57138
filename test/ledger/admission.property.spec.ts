/**
 * Admission and decide cannot drift apart: over generated programs, every event decide produces is
 * admitted, and a line verifies exactly when decide, given the command the line stands for, derives
 * that very line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admissionRefusal, commandOf } from '../../src/domain/admission.js';
import type { Command } from '../../src/domain/decide.js';
import { evidenceTarget } from '../../src/domain/state.js';
import type { EventDraft } from '../../src/domain/events.js';
import { LedgerVerificationError } from '../../src/errors.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { C, P, ROLE, Scenario, SHA_A, SHA_B, SHA_C, type CommandInput } from '../support/program.js';

type Step = (s: Scenario) => CommandInput | null;

const approverOf = (party: string) => (party === P ? ROLE.producerApprover : ROLE.consumerApprover);
const phase = fc.constantFrom('7', '8', '9', '10');
const party = fc.constantFrom(P, C);

/** Commands a team might give, in any order, whether or not the policy allows them. */
const step: fc.Arbitrary<Step> = fc.oneof(
  phase.map((p): Step => () => ({ type: 'start-phase', actor: ROLE.logOwner, phase: p })),
  fc.tuple(phase, fc.boolean()).map(([p, done]): Step => () => ({ type: done ? 'complete-phase' : 'close-phase', actor: ROLE.logOwner, phase: p, reason: 'done' })),
  fc.tuple(fc.constantFrom('rehearsal-continuation', 'runtime-cutover'), party, fc.constantFrom('GO', 'NO-GO') as fc.Arbitrary<'GO' | 'NO-GO'>).map(
    ([decision, who, verdict]): Step => () => ({ type: 'cast-verdict', actor: approverOf(who), decision, verdict }),
  ),
  fc.constantFrom(['v3.0.0', SHA_A, 'candidate'], ['v3.0.1', SHA_B, 'candidate'], ['v2.9.0', SHA_C, 'baseline']).map(
    ([tag, sha, as]): Step => () => ({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: tag!, sha: sha!, contracts: { service: as === 'baseline' ? 'service.v2' : 'service.v3' } }, as: as as 'candidate' | 'baseline', check: { ok: true, facts: { annotated: true, tagObject: null }, problems: [] } }),
  ),
  fc.tuple(party, fc.constantFrom('handoff-payload', 'repin', 'rollback-execution', 'verification-run', 'artifact'), fc.constantFrom('pass', 'fail') as fc.Arbitrary<'pass' | 'fail'>).map(
    ([who, kind, result]): Step => (s) => (evidenceTarget(s.state) === null || (kind.startsWith('rollback') && s.state.rollbackTarget === null) ? null : { type: 'add-evidence', actor: approverOf(who), party: who, evidence: s.evidenceInput(kind, result, who) }),
  ),
  fc.constantFrom('raise', 'resolve').map((what): Step => () => (what === 'raise' ? { type: 'raise-blocker', actor: ROLE.logOwner, id: 'B-1', text: 'waiting', owner: ROLE.logOwner, due: '2026-03-01' } : { type: 'resolve-blocker', actor: ROLE.logOwner, id: 'B-1', note: 'done' })),
);

let minute = 0;
const nextAt = () => new Date(Date.parse('2026-06-01T00:00:00Z') + ++minute * 60_000).toISOString();

function verifies(lines: readonly string[]): boolean {
  try {
    verifyLedger({ source: 'l', lines });
    return true;
  } catch (e) {
    if (e instanceof LedgerVerificationError) return false;
    throw e;
  }
}

describe('admission agrees with decide', () => {
  it('every event decide produces is admitted, and the ledger of them verifies to the same state', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const s = new Scenario();
        for (const make of steps) {
          const command = make(s);
          if (command === null) continue;
          const at = nextAt();
          const decided = s.decide({ ...command, at } as Command);
          if (!decided.ok) continue;
          const draft = decided.events[0]!;
          expect(admissionRefusal(s.state, { ...draft, at })).toBeNull();
          s.append(draft, at);
        }
        const verified = verifyLedger({ source: 'l', lines: s.events.map(serialize) });
        expect(verified.state).toEqual(s.state);
      }),
      { numRuns: 150 },
    );
  });

  it('a signed line verifies exactly when decide, given the command it stands for, derives that line', () => {
    // Lines as a careless or hostile hand would write them: a command's event with one field changed.
    const tamper = fc.constantFrom<(d: EventDraft) => EventDraft>(
      (d) => d,
      (d) => (d.type === 'verdict.cast' ? { ...d, data: { ...d.data, verdict: 'GO' } } : d),
      (d) => (d.type === 'verdict.cast' ? { ...d, data: { ...d.data, target: null } } : d),
      (d) => (d.type === 'phase.started' || d.type === 'phase.completed' ? ({ ...d, data: { ...d.data, phase: '8' } } as EventDraft) : d),
      (d) => (d.type === 'evidence.added' ? { ...d, data: { ...d.data, result: 'pass' } } as EventDraft : d),
      (d) => (d.type === 'evidence.added' ? { ...d, data: { ...d.data, target: { tag: 'v3.0.0', sha: SHA_A } } } as EventDraft : d),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), step, tamper, (history, last, change) => {
        const s = new Scenario();
        for (const make of history) {
          const command = make(s);
          const at = nextAt();
          const decided = command === null ? null : s.decide({ ...command, at } as Command);
          if (decided?.ok) s.append(decided.events[0]!, at);
        }
        const command = last(s);
        fc.pre(command !== null);
        // The line: what decide derives when it accepts, else the command's event as if it had.
        const at = nextAt();
        const decided = s.decide({ ...command!, at } as Command);
        const line = change(decided.ok ? decided.events[0]! : draftAsIf(command!));
        fc.pre(line !== null);
        const redecided = s.decide({ ...commandOf({ ...line!, at }), at });
        const derivesIt = redecided.ok && JSON.stringify(redecided.events[0]) === JSON.stringify(line);
        const event = seal(line!, { program: 'memorykernel-service-v3', seq: s.state.seq + 1, at, prev: s.state.head }, s.fixture.signers[line!.actor]!);
        expect(verifies([...s.events, event].map(serialize))).toBe(derivesIt);
      }),
      { numRuns: 300 },
    );
  });
});

/** The event a refused command would have stood for, where its shape needs nothing from the state. */
function draftAsIf(command: CommandInput): EventDraft {
  switch (command.type) {
    case 'start-phase':
      return { type: 'phase.started', actor: command.actor, data: { phase: command.phase } };
    case 'close-phase':
      return { type: 'phase.closed', actor: command.actor, data: { phase: command.phase, reason: command.reason } };
    case 'complete-phase':
      return { type: 'phase.completed', actor: command.actor, data: { phase: command.phase, reason: command.reason } };
    case 'cast-verdict':
      return { type: 'verdict.cast', actor: command.actor, data: { decision: command.decision, party: command.actor === ROLE.producerApprover ? P : C, verdict: command.verdict, target: null } };
    case 'resolve-blocker':
      return { type: 'blocker.resolved', actor: command.actor, data: { id: command.id, note: command.note } };
    case 'raise-blocker':
      return { type: 'blocker.raised', actor: command.actor, data: { id: command.id!, text: command.text, owner: command.owner, due: command.due } };
    case 'publish-target':
      return { type: 'target.published', actor: command.actor, data: { target: command.target, as: command.as, verification: command.check?.facts ?? null } };
    default:
      return { type: 'phase.started', actor: ROLE.logOwner, data: { phase: '9' } };
  }
}
