/**
 * The schema of the record model, version 1 (schemas/record-model.schema.json), and its type. Kept
 * apart from model.ts so that `render` does not build it (or load TypeBox) to render a record.
 */
import { Type, type Static } from '@sinclair/typebox';
import { RECORD_MODEL_VERSION } from './model.js';

const Str = Type.String();
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const TargetView = Type.Object({
  tag: Str,
  sha: Str,
  contracts: Type.Array(Type.Object({ name: Str, version: Str })),
});

export const RecordModel = Type.Object(
  {
    version: Type.Literal(RECORD_MODEL_VERSION),
    record: Type.Object({ id: Str, kind: Str, title: Str, label: Str, path: Str, scope: Str }),
    party: Type.Object({ id: Str, name: Str, kind: Str, repo: Str }),
    program: Type.Object({ id: Str, title: Str }),
    ledger: Type.Object({ head: Str, seq: Type.Integer(), at: Str, date: Str, line: Str }, { description: 'line: the provenance line every record carries' }),
    owner: Type.String({ description: 'e.g. "MemoryKernel + AssistSupport (bilateral)"' }),
    parties: Type.Array(Type.Object({ id: Str, name: Str, kind: Str, repo: Str })),
    position: Type.String({ description: 'where the program stands: "at the end of Phase 7", "during Phase 8", "before Phase 7"' }),
    decisions: Type.Array(
      Type.Object({
        number: Type.Integer(),
        id: Str,
        title: Str,
        outcome: Str,
        go: Type.Boolean(),
        state: Type.String({ description: 'pending (a party still owes its verdict), decided, or closed (closes_after_phase has ended)' }),
        label: Type.String({ description: 'what the built-in records show: GO, NO-GO, pending, or closed (GO)…' }),
        verdicts: Type.Array(Type.Object({ party: Str, partyName: Str, verdict: Nullable(Str), role: Nullable(Str), at: Nullable(Str), note: Nullable(Str), stale: Type.Boolean() })),
      }),
    ),
    window: Nullable(Type.Object({ decision: Str, approved: Type.Boolean(), status: Str, note: Nullable(Str) })),
    ownership: Type.Array(Type.Object({ holder: Str, duty: Str, title: Str, role: Str })),
    inputs: Type.Array(Type.Object({ id: Str, label: Str, repo: Str, path: Str })),
    nextPhase: Nullable(Str),
    blockers: Type.Array(
      Type.Object({
        number: Type.Integer(),
        gate: Str,
        text: Str,
        missing: Type.Array(Str),
        details: Type.Array(Str),
        owner: Type.Object({ role: Str, title: Str }),
        waitingOn: Type.Array(Str),
      }),
    ),
    phases: Type.Array(Type.Object({ id: Str, title: Str, status: Str, label: Str, reason: Str }), { description: 'phases that have begun, and the next one to start' }),
    allPhases: Type.Array(Type.Object({ id: Str, title: Str, status: Str, label: Str, reason: Str })),
    target: Nullable(Type.Intersect([TargetView, Type.Object({ verified: Type.Boolean(), seq: Type.Integer() })])),
    baseline: Nullable(TargetView),
    rollbackTarget: Nullable(TargetView),
    evidence: Type.Array(Type.Object({ party: Str, partyName: Str, kind: Str, result: Str, target: Str, stale: Type.Boolean(), summary: Str, seq: Type.Integer(), at: Str })),
    incidents: Type.Array(Type.Object({ id: Str, party: Str, severity: Str, summary: Str })),
    approvedPairs: Type.Array(
      Type.Object({ tag: Str, sha: Str, contracts: Str, repins: Type.Array(Type.Object({ party: Str, partyName: Str, commit: Str })), approved: Str }),
      { description: 'the compatibility matrix: approved producer/consumer pairs' },
    ),
    consumers: Type.Array(Type.Object({ id: Str, name: Str })),
    reviews: Type.Array(Type.Object({ phase: Str, due: Str, status: Str, lastReview: Nullable(Str) }), { description: 'reviews active phases owe' }),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/record-model.schema.json', title: 'What a record template sees (version 1)' },
);

export type RecordModel = Static<typeof RecordModel>;
