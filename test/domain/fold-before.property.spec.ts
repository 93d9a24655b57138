/**
 * TEMPORARY (issue 30, branch fold-domain): the fold made cheaper must compute what it computed
 * before. fold-before/ is a frozen copy of the fold as it was at 19bdf12 (src/ledger/fold.ts and
 * src/domain/{state,admission,decide,authority,clock-correction}.ts, imports pointed back at src/
 * for everything else). Over generated histories with every optional member, and lines edited the
 * way a careless or hostile hand would (any member of the data, the actor, the time, the chain):
 * at every event the same state (member for member and in order: JSON), the same authority verdict,
 * the same admission refusal with the same message, hints and blockers, the same decision on the
 * command the line stands for; and the whole ledger folded by LineFolder to the same head, or
 * refused at the same line with the same fault and message. Removed, with fold-before/, once it
 * has held; the report names the commit it passed at.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admissionRefusal, commandOf } from '../../src/domain/admission.js';
import { authorize, checkKey } from '../../src/domain/authority.js';
import { decide } from '../../src/domain/decide.js';
import type { LedgerEvent } from '../../src/domain/events.js';
import { evidenceTarget, evolve, initialState, type ProgramState } from '../../src/domain/state.js';
import { serialize } from '../../src/ledger/chain.js';
import { LineFolder, type VerifiedHead } from '../../src/ledger/fold.js';
import { isEventDataShape } from '../../src/ledger/shape-checks.js';
import { parseDefinition } from '../../src/program/parse-definition.js';
import type { ProgramDefinition } from '../../src/program/schema.js';
import { AFTER_GO, decider, declareIncident, READY_FOR_GO, verdict, type Given } from '../support/decider-spec.js';
import { editMember } from '../support/json-edit.js';
import { C, evidenceInput, FILE, P, programFixture, ROLE, SHA_A, SHA_B, SHA_C, VERIFIED, type CommandInput } from '../support/program.js';
import { admissionRefusal as admissionRefusalBefore, commandOf as commandOfBefore } from './fold-before/admission.js';
import { authorize as authorizeBefore, checkKey as checkKeyBefore } from './fold-before/authority.js';
import { decide as decideBefore } from './fold-before/decide.js';
import { LineFolder as LineFolderBefore } from './fold-before/fold.js';
import { evolve as evolveBefore } from './fold-before/state.js';

type Ask = (state: ProgramState) => CommandInput | null;

const NOTICE = 'error-code-notice';
const noticeGate = (id: string) => ({ id, kind: 'notice' as const, period: '10bd', owner: ROLE.logOwner, text: 'Additive error codes need 10 business days of notice.' });
/** The standard program with a notice gate, reviews of Phase 9, and a metric-analysis gate: every event type has a way in. */
const fixture = programFixture((def) => ({
  ...def,
  gates: [...def.gates, noticeGate(NOTICE), { id: 'soak', kind: 'metric-analysis', text: 'The soak is not measured yet.', owner: ROLE.logOwner, span: '4s', max_gap: '1m' }],
  decisions: [...def.decisions, { id: 'soak-check', title: 'Stabilization soak', gates: ['soak'] }],
  phases: def.phases.map((p) => (p.id === '9' ? { ...p, review_every: '7d' } : p)),
}));
const amended: ProgramDefinition = { ...fixture.definition, gates: [...fixture.definition.gates, noticeGate('another-notice')] };
const amendedDigest = parseDefinition(JSON.stringify(amended), 'cutover.yaml').digest;

const phase = fc.constantFrom('7', '8', '9', '10');
const party = fc.constantFrom(P, C);
const note = fc.option(fc.constantFrom('looks good', 'see the run log'), { nil: undefined });
const approverOf = (who: string) => (who === P ? ROLE.producerApprover : ROLE.consumerApprover);
const icOf = (who: string) => (who === P ? ROLE.producerIc : ROLE.consumerIc);
const withNote = (command: CommandInput, text: string | undefined): CommandInput => (text === undefined ? command : ({ ...command, note: text } as CommandInput));
const second = (s: number) => new Date(Date.parse('2026-02-01T09:01:00.000Z') + s * 1000).toISOString();
const sample = (s: number, value: number) => ({ at: second(s), series: [{ labels: { __name__: 'error_ratio' }, value }] });

/** Commands of every kind the fold records, optional members given or not. */
const ask: fc.Arbitrary<Ask> = fc.oneof(
  phase.map((p): Ask => () => ({ type: 'start-phase', actor: ROLE.logOwner, phase: p })),
  fc.tuple(phase, fc.boolean()).map(([p, done]): Ask => () => ({ type: done ? 'complete-phase' : 'close-phase', actor: ROLE.logOwner, phase: p, reason: 'done' })),
  fc.tuple(fc.constantFrom('rehearsal-continuation', 'runtime-cutover', 'soak-check'), party, fc.constantFrom('GO', 'NO-GO') as fc.Arbitrary<'GO' | 'NO-GO'>, note).map(
    ([decision, who, v, text]): Ask => () => withNote({ type: 'cast-verdict', actor: approverOf(who), decision, verdict: v }, text),
  ),
  fc.constantFrom(['v3.0.0', SHA_A, 'candidate'], ['v3.0.1', SHA_B, 'candidate'], ['v3.0.0', SHA_B, 'candidate'], ['v2.9.0', SHA_C, 'baseline']).map(
    ([tag, sha, as]): Ask => () => ({
      type: 'publish-target',
      actor: ROLE.producerApprover,
      target: { tag: tag!, sha: sha!, contracts: { service: as === 'baseline' ? 'service.v2' : 'service.v3' } },
      as: as as 'candidate' | 'baseline',
      check: VERIFIED,
    }),
  ),
  fc.boolean().map((ok): Ask => () => ({ type: 'verify-target', actor: ROLE.consumerApprover, check: ok ? VERIFIED : { ok: false, facts: null, problems: ['the tag moved'] } })),
  fc.tuple(party, fc.constantFrom('handoff-payload', 'repin', 'rollback-execution', 'rollback-drill', 'verification-run', 'artifact'), fc.constantFrom('pass', 'fail') as fc.Arbitrary<'pass' | 'fail'>).map(
    ([who, kind, result]): Ask => (state) =>
      evidenceTarget(state) === null || (kind.startsWith('rollback') && state.rollbackTarget === null)
        ? null
        : { type: 'add-evidence', actor: approverOf(who), party: who, evidence: evidenceInput(state, kind, result, who) },
  ),
  fc.tuple(party, fc.integer({ min: 0, max: 20 }), fc.boolean()).map(
    ([who, from, healthy]): Ask => (state) =>
      evidenceTarget(state) === null
        ? null
        : {
            type: 'add-evidence',
            actor: approverOf(who),
            party: who,
            evidence: {
              kind: 'metric-analysis',
              ask: { prometheus: 'http://127.0.0.1:9090', query: 'error_ratio', success: 'result < 0.01', interval: '1s', count: 3, failureLimit: 0 },
              artifact: { file: 'evidence/samples/x.json', sha256: `sha256:${'0'.repeat(64)}`, bytes: 10 },
              samples: [sample(from, 0), sample(from + 1, healthy ? 0 : 0.5), sample(from + 2, 0)],
            },
          },
  ),
  fc.tuple(fc.constantFrom('B-1', 'B-2'), fc.option(phase, { nil: undefined }), fc.boolean()).map(
    ([id, inPhase, raise]): Ask => () =>
      raise
        ? { type: 'raise-blocker', actor: ROLE.logOwner, id, text: 'waiting', owner: ROLE.logOwner, due: '2026-03-01', ...(inPhase === undefined ? {} : { phase: inPhase }) }
        : { type: 'resolve-blocker', actor: ROLE.logOwner, id, note: 'done' },
  ),
  fc.constantFrom('review', 'notice', 'amend', 'clock').map(
    (what): Ask => () =>
      what === 'review'
        ? { type: 'record-review', actor: ROLE.logOwner, phase: '9', note: 'on track' }
        : what === 'notice'
          ? { type: 'give-notice', actor: ROLE.logOwner, gate: NOTICE, text: 'new error codes in v3.0.1' }
          : what === 'amend'
            ? { type: 'amend-program', actor: ROLE.logOwner, definition: amended, digest: amendedDigest, fileDigest: FILE, reason: 'another notice' }
            : { type: 'correct-clock', actor: ROLE.logOwner, reason: 'the clock ran ahead' },
  ),
  fc.tuple(party, note, fc.constantFrom('declare', 'notify', 'update', 'recommend', 'execute', 'repin', 'summarize', 'approve', 'close')).map(
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
        case 'repin':
          return { type: 'confirm-repin', actor: ROLE.consumerIc, id: 'INC-1' };
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

const program = decider({ fixture });
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

const ROLES = Object.values(ROLE);
/** Values an edited member may take: the history's own words, and values of other kinds. */
const replacement = fc.oneof(
  fc.constantFrom<unknown>(P, C, ...ROLES, 'GO', 'NO-GO', 'pass', 'fail', 'B-1', 'B-3', 'INC-1', 'INC-2', '7', '9', SHA_A, SHA_B, 'v3.0.0', 'v3.0.1', 'artifact', 'repin'),
  fc.constantFrom<unknown>(null, true, false, 0, 1, 4096, '', {}, [], { tag: 'v3.0.0', sha: SHA_A }, '2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z'),
  // Over the text limit of a version 3 program, alone or deeper in a value.
  fc.constantFrom<unknown>('x'.repeat(10_001), ['ok', 'x'.repeat(10_001)], { a: 'ok', b: ['x'.repeat(10_001)] }),
  fc.string({ maxLength: 4 }),
);
/** One edit of a line: a member of its data (at any depth) replaced or removed, or its actor, time, chain or key changed. */
type Edit = (e: LedgerEvent) => LedgerEvent;
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), replacement, fc.boolean()).map(([path, value, remove]): Edit => (e) => ({ ...e, data: editMember(e.data, path, value, remove) }) as LedgerEvent) },
  { weight: 1, arbitrary: fc.constantFrom(...ROLES, 'nobody').map((actor): Edit => (e) => ({ ...e, actor })) },
  { weight: 1, arbitrary: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T09:01:00.000Z', '2026-03-10T14:46:00.000Z', '2099-01-01T00:00:00.000Z').map((at): Edit => (e) => ({ ...e, at })) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 2 }).map((d): Edit => (e) => ({ ...e, seq: e.seq + d })) },
  { weight: 1, arbitrary: fc.constantFrom<Edit>((e) => ({ ...e, prev: SHA_A }), (e) => ({ ...e, program: 'another-program' })) },
  { weight: 1, arbitrary: fc.constantFrom(...ROLES).map((role): Edit => (e) => ({ ...e, sig: { ...e.sig, key: fixture.definition.roles.find((r) => r.id === role)!.keys[0]! } })) },
);

/** Lines out of place: an earlier line again (as it was, or forked: the same seq and prev, another hash), a line removed, two swapped. */
const moved = fc.constantFrom<(events: LedgerEvent[], j: number) => void>(
  () => undefined,
  (events, j) => void events.splice(j + 1 + (j % 2), 0, events[j]!),
  (events, j) => void events.splice(events.length - (j % 3), 0, { ...events[j]!, hash: `sha256:${'e'.repeat(64)}` }),
  (events, j) => void events.splice(j, 1),
  (events, j) => {
    const k = Math.min(events.length - 1, j + 1 + (j % 3));
    [events[j], events[k]] = [events[k]!, events[j]!];
  },
);

/** What a call gave, as text: its value (members in order), or the class, message and fields of what it threw or returned as an error. */
function outcome(run: () => unknown): string {
  let value: unknown;
  try {
    value = run();
  } catch (e) {
    return `threw ${plainError(e)}`;
  }
  if (value instanceof Error) return `error ${plainError(value)}`;
  if (value !== null && typeof value === 'object' && 'ok' in value && value.ok === false && 'error' in value) return `refused ${plainError(value.error)}`;
  return `value ${JSON.stringify(value)}`;
}

function plainError(e: unknown): string {
  if (!(e instanceof Error)) return JSON.stringify(e);
  return JSON.stringify({ name: e.name, message: e.message, fields: { ...e } });
}

/** The state when the data is shaped as verify accepts it (lines of another shape never reach the fold). */
const shaped = (e: LedgerEvent) => isEventDataShape(e.type, e.data);

describe('the fold computes what it computed before', () => {
  it('at every event of a history, and of each line edited: the same state, authority, admission and decision', () => {
    fc.assert(
      fc.property(story, fc.array(ask, { maxLength: 30 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (start, commands, edits) => {
        const g = historyOf(start, commands);
        let state = initialState();
        for (const event of g.events) {
          const def = event.type === 'program.defined' ? event.data.definition : state.definition!;
          for (const line of [event, ...edits.map((e) => e(event))]) {
            if (!shaped(line)) continue;
            expect(outcome(() => checkKey(def, line.actor, line.sig.key))).toBe(outcome(() => checkKeyBefore(def, line.actor, line.sig.key)));
            expect(outcome(() => authorize(def, line))).toBe(outcome(() => authorizeBefore(def, line)));
            expect(outcome(() => admissionRefusal(state, line))).toBe(outcome(() => admissionRefusalBefore(state, line)));
            expect(outcome(() => decide(state, commandOf(line)))).toBe(outcome(() => decideBefore(state, commandOfBefore(line))));
            expect(outcome(() => evolve(state, line))).toBe(outcome(() => evolveBefore(state, line)));
          }
          state = evolve(state, event);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('folds a ledger with one line edited to the same head, or refuses it at the same line with the same message', () => {
    fc.assert(
      fc.property(story, fc.array(ask, { maxLength: 30 }), fc.nat(), edit, fc.boolean(), fc.boolean(), moved, fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), fc.array(fc.nat({ max: 40 }), { maxLength: 4 }), (start, commands, at, change, keep, read, move, other, runs, peeks) => {
        const g = historyOf(start, commands);
        // As recorded (members in the order decide gave them) or as read back from the file (canonical order).
        const events = read ? g.events.map((e) => JSON.parse(serialize(e)) as LedgerEvent) : [...g.events];
        const i = at % events.length;
        const changed = change(events[i]!);
        if (shaped(changed)) events[i] = changed;
        move(events, other % events.length);
        const checks = events.map((event) => ({ ok: true as const, event }));
        // Folded in runs (as verifyChunks folds chunks), the head read between runs and at lines
        // within them: every head read, as it was when read and as it is after the whole fold.
        type Folder = { add: LineFolder['add']; head: LineFolder['head']; folded: number; events: LineFolder['events'] };
        const fold = (make: (before: VerifiedHead) => Folder) => () => {
          const seen: { head: VerifiedHead; then: string }[] = [];
          const look = (head: VerifiedHead) => seen.push({ head, then: JSON.stringify(head) });
          let head: VerifiedHead = { state: initialState(), last: null };
          let from = 0;
          const folded: (number | null)[] = [];
          for (const end of [...runs.map((r) => r % (checks.length + 1)).sort((a, b) => a - b), checks.length]) {
            const folder = make(head);
            for (let n = from; n < Math.max(from, end); n++) {
              folder.add(checks[n]!, () => checks.slice(n + 1));
              if (peeks.includes(n)) look(folder.head);
            }
            from = Math.max(from, end);
            head = folder.head;
            look(head);
            folded.push(folder.folded, folder.events?.length ?? null);
          }
          return { folded, heads: seen.map((s) => s.then), still: seen.map((s) => JSON.stringify(s.head) === s.then) };
        };
        expect(outcome(fold((before) => new LineFolder(before, 'ledger.jsonl', keep)))).toBe(outcome(fold((before) => new LineFolderBefore(before, 'ledger.jsonl', keep))));
      }),
      { numRuns: 300 },
    );
  });
});
