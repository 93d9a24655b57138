/**
 * A LineFolder writes new evidence into a record map it made and has not shown (evolveFolded), so a
 * state it has shown must never change afterwards. Over generated histories of evidence (with other
 * events between), folded in runs as verifyChunks folds chunks, with the head read between runs and
 * at lines within them: every head read is the state `replay` gives for the lines before it, when
 * read and after the whole fold; and the state a run starts from is left as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { initialState, replay } from '../../src/domain/state.js';
import { LineFolder, type VerifiedHead } from '../../src/ledger/fold.js';
import { evidence, given, publishBaseline, publishTarget, startPhase, verdict, type EvidenceKind, type Given, type Step } from '../support/decider-spec.js';
import { C, P, SHA_B } from '../support/program.js';

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(P, C), fc.constantFrom<EvidenceKind>('verification-run', 'artifact', 'repin', 'rollback-drill'), fc.constantFrom<'pass' | 'fail'>('pass', 'fail')).map(([party, kind, result]) => evidence(party, kind, result)) },
  { weight: 1, arbitrary: fc.constantFrom<Step>(publishTarget('v3.0.1', SHA_B), publishTarget('v3.0.0'), publishBaseline(), startPhase('7'), verdict(P, 'rehearsal-continuation', 'NO-GO')) },
);

/** The history of the steps the policy admits, in order (a refused one is left out). */
function historyOf(steps: readonly Step[]): readonly LedgerEvent[] {
  let g: Given = given(publishTarget());
  for (const s of steps) {
    try {
      g = g.and(s);
    } catch {
      // Refused on this history (a repin with none to make, a target already published): not recorded.
    }
  }
  return g.events;
}

describe('a folder\'s heads', () => {
  it('are the states replay gives for the lines before them, and never change once read', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(), { maxLength: 3 }), fc.array(fc.nat({ max: 30 }), { maxLength: 5 }), (steps, runs, peeks) => {
        const events: readonly LedgerEvent[] = historyOf(steps);
        const checks = events.map((event) => ({ ok: true as const, event }));
        const read: { head: VerifiedHead; lines: number; then: string }[] = [];
        const look = (head: VerifiedHead, lines: number) => read.push({ head, lines, then: JSON.stringify(head.state) });
        let head: VerifiedHead = { state: initialState(), last: null };
        let from = 0;
        for (const end of [...runs.map((r) => r % (checks.length + 1)).sort((a, b) => a - b), checks.length]) {
          const folder = new LineFolder(head, 'ledger.jsonl', false);
          const start = from;
          for (let n = from; n < Math.max(from, end); n++) {
            folder.add(checks[n]!, (k) => checks.slice(start + k));
            if (peeks.includes(n)) look(folder.head, n + 1);
          }
          from = Math.max(from, end);
          head = folder.head;
          look(head, from);
        }
        for (const { head: shown, lines, then } of read) {
          const expected = JSON.stringify(replay(events.slice(0, lines)));
          expect(then).toBe(expected);
          expect(JSON.stringify(shown.state)).toBe(expected);
        }
      }),
      { numRuns: 100 },
    );
  });
});
