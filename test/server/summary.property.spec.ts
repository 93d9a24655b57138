/**
 * A program's kept summary is what a full evaluation of its ledger says: after every event of a
 * generated program appended through the server's verified programs, and after a restart (a new
 * store and cache over the same folder). The summary is compared with the one made from the
 * ledger's lines verified from the first, at the same time.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summaryAt } from '../../src/app/program-summary.js';
import type { Command } from '../../src/domain/decide.js';
import { URGENCY_LOOKAHEAD, urgencyRank } from '../../src/domain/summary.js';
import { serialize } from '../../src/ledger/chain.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { ProgramCache } from '../../src/server/program-cache.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { C, P, ROLE, Scenario, SHA_A, SHA_C, type CommandInput } from '../support/program.js';
import { tempDir } from '../support/temp.js';

type Step = (s: Scenario) => CommandInput | null;

const approverOf = (party: string) => (party === P ? ROLE.producerApprover : ROLE.consumerApprover);
const phase = fc.constantFrom('7', '8', '9', '10');
const party = fc.constantFrom(P, C);

/** Commands a team might give, in any order; those the policy refuses are skipped. */
const step: fc.Arbitrary<Step> = fc.oneof(
  phase.map((p): Step => () => ({ type: 'start-phase', actor: ROLE.logOwner, phase: p })),
  fc.tuple(phase, fc.boolean()).map(([p, done]): Step => () => ({ type: done ? 'complete-phase' : 'close-phase', actor: ROLE.logOwner, phase: p, reason: 'done' })),
  fc.tuple(fc.constantFrom('rehearsal-continuation', 'runtime-cutover'), party, fc.constantFrom('GO', 'NO-GO') as fc.Arbitrary<'GO' | 'NO-GO'>).map(
    ([decision, who, verdict]): Step => () => ({ type: 'cast-verdict', actor: approverOf(who), decision, verdict }),
  ),
  fc.constantFrom(['v3.0.0', SHA_A, 'candidate'], ['v2.9.0', SHA_C, 'baseline']).map(
    ([tag, sha, as]): Step => () => ({ type: 'publish-target', actor: ROLE.producerApprover, target: { tag: tag!, sha: sha!, contracts: { service: as === 'baseline' ? 'service.v2' : 'service.v3' } }, as: as as 'candidate' | 'baseline', check: { ok: true, facts: { annotated: true, tagObject: null }, problems: [] } }),
  ),
  fc.tuple(party, fc.constantFrom('handoff-payload', 'repin', 'rollback-execution'), fc.constantFrom('pass', 'fail') as fc.Arbitrary<'pass' | 'fail'>).map(
    ([who, kind, result]): Step => (s) => (s.state.target === null || (kind.startsWith('rollback') && s.state.rollbackTarget === null) ? null : { type: 'add-evidence', actor: approverOf(who), party: who, evidence: s.evidenceInput(kind, result, who) }),
  ),
  fc.tuple(fc.constantFrom('raise', 'resolve'), fc.constantFrom('2026-06-01', '2026-06-03')).map(([what, due]): Step => () =>
    what === 'raise' ? { type: 'raise-blocker', actor: ROLE.logOwner, id: 'B-1', text: 'waiting', owner: ROLE.logOwner, due } : { type: 'resolve-blocker', actor: ROLE.logOwner, id: 'B-1', note: 'done' },
  ),
  fc.constant((): CommandInput => ({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'non-2xx responses lack the error envelope', id: 'INC-1' })),
);

const PROGRAM = 'memorykernel-service-v3';

describe('a program summary kept as events land', () => {
  it('equals the summary of a full evaluation after every event, and after a restart', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 3 * 24 * 60 }), async (steps, laterMinutes) => {
        const dir = tempDir();
        let clock = new Date('2026-06-01T00:00:00Z');
        const open = () => {
          const store = new ServedFileStore({ dir: join(dir, 'data') }, join(dir, 'cache'));
          return { store, cache: new ProgramCache(store, { now: () => clock }) };
        };
        let { store, cache } = open();
        const s = new Scenario();
        s.setTime(clock.toISOString());
        const lines = s.events.map(serialize);
        /** When the summary was last made: at the last append, or refresh. */
        let madeAt = clock;
        /** What the store keeps for the program now, against a full verification of every line at the time it was made. */
        const expectKeptIsFull = async () => {
          const page = await store.summaries({ at: clock, limit: 10 });
          expect(page.rows.map((r) => r.program)).toEqual([PROGRAM]);
          const full = summaryAt(verifyLedger({ source: 'full', lines }).state, madeAt)!;
          expect(JSON.parse(page.rows[0]!.body)).toEqual(JSON.parse(JSON.stringify(full)));
        };
        const post = (posted: readonly string[]) => cache.withProgram(PROGRAM, async () => ({ appendLines: posted, source: 'test', answer: () => undefined }));

        await post(lines);
        await expectKeptIsFull();
        for (const make of steps) {
          clock = new Date(clock.getTime() + 7 * 60_000);
          s.setTime(clock.toISOString());
          const command = make(s);
          if (command === null) continue;
          const decided = s.decide(command);
          if (!decided.ok) continue;
          const before = s.events.length;
          for (const draft of decided.events) s.append(draft, clock.toISOString());
          const added = s.events.slice(before).map(serialize);
          lines.push(...added);
          await post(added);
          madeAt = clock;
          await expectKeptIsFull();
        }

        // A restart, later: the summary read back is the same; once its next change has come it sorts
        // by the urgency a full evaluation gives then, and refreshed it is that evaluation's.
        ({ store, cache } = open());
        await expectKeptIsFull();
        clock = new Date(clock.getTime() + laterMinutes * 60_000);
        const kept = (await store.summaries({ at: clock, limit: 1 })).rows[0]!;
        const full = summaryAt(verifyLedger({ source: 'full', lines }).state, clock)!;
        const [first] = await store.summariesDue(1, { why: 'build', build: '' }); // every kept summary is of another build than ''
        expect(first).toBe(PROGRAM);
        // Walk the now-list's changes from when the summary was made to the clock: the stored ranks
        // sort it as a full evaluation now would, without evaluating it, when the urgency changed at
        // most once on the way and the way is within the summary's lookahead.
        const state = verifyLedger({ source: 'full', lines }).state;
        const urgencies = [summaryAt(state, madeAt)!.urgency];
        let changes = 0;
        for (let next = summaryAt(state, madeAt)!.nextChangeAt; next !== null && Date.parse(next) <= clock.getTime() && changes <= URGENCY_LOOKAHEAD; changes++) {
          const then = summaryAt(state, new Date(next))!;
          if (then.urgency !== urgencies.at(-1)) urgencies.push(then.urgency);
          next = then.nextChangeAt;
        }
        if (urgencies.length <= 2 && changes < URGENCY_LOOKAHEAD) expect(kept.rank).toBe(urgencyRank(full.urgency));
        await cache.refreshSummary(PROGRAM);
        madeAt = clock;
        await expectKeptIsFull();
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
