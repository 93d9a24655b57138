/**
 * The events of a cutover program, version 1 of the ledger line. Each event type has a TypeBox
 * schema for its `data`, from which both its TypeScript type and the published JSON Schema
 * (`schemas/ledger-line.schema.json`) come.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EvidenceKind, ProgramDefinition, Severity, Target } from '../program/schema.js';

export const LEDGER_LINE_VERSION = 1;

const Digest = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const TargetRef = Type.Object(
  { tag: Type.String({ minLength: 1 }), sha: Type.String({ pattern: '^[0-9a-f]{40}$' }) },
  { additionalProperties: false },
);
const Verdict = Type.Union([Type.Literal('GO'), Type.Literal('NO-GO')]);
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** The data schema of every event type; the keys are the event types. */
export const EventData = {
  /** `digest` is of the definition's canonical JSON; `file` of the cutover.yaml bytes it was read from. */
  'program.defined': Type.Object({ definition: ProgramDefinition, digest: Digest, file: Digest }, { additionalProperties: false }),
  'program.amended': Type.Object(
    { definition: ProgramDefinition, digest: Digest, file: Digest, reason: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  'target.published': Type.Object(
    { target: Target, as: Type.Union([Type.Literal('candidate'), Type.Literal('baseline')]) },
    { additionalProperties: false },
  ),
  'verdict.cast': Type.Object(
    {
      decision: Type.String({ minLength: 1 }),
      party: Type.String({ minLength: 1 }),
      verdict: Verdict,
      /** The target the verdict speaks about; a GO is only good for this target. */
      target: Type.Union([TargetRef, Type.Null()]),
      note: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  'evidence.added': Type.Object(
    {
      kind: EvidenceKind,
      party: Type.String({ minLength: 1 }),
      target: Type.Union([TargetRef, Type.Null()]),
      result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
      summary: Type.String({ minLength: 1 }),
      artifact: Type.Optional(
        Type.Object({ path: Type.String({ minLength: 1 }), sha256: Digest }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
  'blocker.raised': Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      text: Type.String({ minLength: 1 }),
      owner: Type.String({ minLength: 1 }),
      due: IsoDate,
      phase: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  'blocker.resolved': Type.Object(
    { id: Type.String({ minLength: 1 }), note: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  'phase.started': Type.Object({ phase: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  'phase.closed': Type.Object(
    { phase: Type.String({ minLength: 1 }), reason: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  'phase.completed': Type.Object(
    { phase: Type.String({ minLength: 1 }), reason: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  'incident.declared': Type.Object(
    {
      id: Type.String({ minLength: 1 }),
      party: Type.String({ minLength: 1 }),
      severity: Severity,
      summary: Type.String({ minLength: 1 }),
    },
    { additionalProperties: false },
  ),
  'incident.closed': Type.Object(
    { id: Type.String({ minLength: 1 }), summary: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>;

export type EventType = keyof typeof EventData;
export const EVENT_TYPES = Object.keys(EventData) as EventType[];

export type EventDataOf<T extends EventType> = Static<(typeof EventData)[T]>;
export type TargetRef = Static<typeof TargetRef>;
export type VerdictValue = Static<typeof Verdict>;

/** What `decide` produces: an event not yet placed in the chain, dated or signed. */
export type EventDraft = { [T in EventType]: { readonly type: T; readonly actor: string; readonly data: EventDataOf<T> } }[EventType];

export interface Signature {
  /** The public key that made the signature, `ed25519:<base64>`; must be a key of `actor`. */
  readonly key: string;
  /** Base64 Ed25519 signature over the signed content (see `ledger/chain.ts`). */
  readonly value: string;
}

/** One ledger line, as stored: a draft placed in the chain, dated, signed and hashed. */
export type LedgerEvent = {
  [T in EventType]: {
    readonly v: typeof LEDGER_LINE_VERSION;
    readonly program: string;
    readonly seq: number;
    readonly at: string;
    readonly type: T;
    readonly actor: string;
    readonly data: EventDataOf<T>;
    /** Hash of the previous event, `null` for seq 1. */
    readonly prev: string | null;
    readonly sig: Signature;
    /** `sha256:` of the canonical JSON of this event without `hash`. */
    readonly hash: string;
  };
}[EventType];

export type EventOf<T extends EventType> = Extract<LedgerEvent, { type: T }>;

export const LedgerLine = Type.Object(
  {
    v: Type.Literal(LEDGER_LINE_VERSION),
    program: Type.String({ minLength: 1 }),
    seq: Type.Integer({ minimum: 1 }),
    at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' }),
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    actor: Type.String({ minLength: 1 }),
    data: Type.Unknown(),
    prev: Type.Union([Digest, Type.Null()]),
    sig: Type.Object(
      { key: Type.String({ pattern: '^ed25519:[A-Za-z0-9+/]{43}=$' }), value: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    hash: Digest,
  },
  {
    additionalProperties: false,
    $id: 'https://cutover.dev/schemas/ledger-line.schema.json',
    title: 'Cutover ledger line (version 1); `data` is described per event type in `eventData`',
  },
);
