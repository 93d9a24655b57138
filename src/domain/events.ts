/**
 * The events of a cutover program, version 1 of the ledger line. Each event type has a TypeBox
 * schema for its `data`, from which both its TypeScript type and the published JSON Schema
 * (`schemas/ledger-line.schema.json`) come.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { IncidentAction, IncidentDeadlines, ProgramDefinition, Severity, Target } from '../program/schema.js';
import { LEDGER_LINE_VERSION } from './line-version.js';

export { LEDGER_LINE_VERSION };

const Digest = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const TargetRef = Type.Object(
  { tag: Type.String({ minLength: 1 }), sha: Type.String({ pattern: '^[0-9a-f]{40}$' }) },
  { additionalProperties: false },
);
const Verdict = Type.Union([Type.Literal('GO'), Type.Literal('NO-GO')]);
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const IsoTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' });
const Sha = Type.String({ pattern: '^[0-9a-f]{40}$' });
const Party = Type.String({ minLength: 1 });
const RepoPath = Type.String({ minLength: 1 });
const IncidentId = Type.String({ minLength: 1 });
/** The incident a step belongs to, and the party the step speaks for. */
const incidentStep = { id: IncidentId, party: Party };
const NextUpdate = Type.Union([IsoTime, Type.Null()], { description: 'when the next update is due (the ETA the notice shows)' });

/** How the tag of a target was found in the producer's repository. */
const TagFacts = Type.Object(
  { annotated: Type.Boolean(), tagObject: Type.Union([Sha, Type.Null()], { description: 'the annotated tag object id, so a re-created tag is detected' }) },
  { additionalProperties: false },
);

const StreamDigest = Type.Object(
  { sha256: Digest, bytes: Type.Integer({ minimum: 0 }), tail: Type.Array(Type.String()) },
  { additionalProperties: false },
);

const CommandRun = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    run: Type.String({ minLength: 1 }),
    exitCode: Type.Union([Type.Integer(), Type.Null()]),
    signal: Type.Union([Type.String(), Type.Null()]),
    timedOut: Type.Boolean(),
    durationMs: Type.Number({ minimum: 0 }),
    stdout: StreamDigest,
    stderr: StreamDigest,
    passed: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** One run of a party's verification suite: what ran, where, on which commit, and what came out. */
const Run = Type.Object(
  {
    suite: Type.String({ minLength: 1 }),
    host: Type.String({ minLength: 1 }),
    head: Type.Union([Sha, Type.Null()], { description: 'the repository HEAD the run ran on' }),
    startedAt: IsoTime,
    durationMs: Type.Number({ minimum: 0 }),
    passed: Type.Boolean({ description: 'every command exited 0 within its time limit' }),
    commands: Type.Array(CommandRun, { minItems: 1 }),
    skipped: Type.Array(Type.String(), { description: 'commands not run after a failure' }),
  },
  { additionalProperties: false },
);

/** A query sampled on a schedule and judged by a success condition (src/domain/metric-analysis.ts). */
const MetricAnalysisFields = {
  prometheus: Type.String({ minLength: 1, description: 'the Prometheus base URL sampled' }),
  query: Type.String({ minLength: 1, description: 'the PromQL query' }),
  success: Type.String({ minLength: 1, description: 'the success condition every series of a sample must meet, e.g. result < 0.01' }),
  interval: Type.String({ minLength: 1, description: 'the time between samples, e.g. 1m' }),
  count: Type.Integer({ minimum: 1, description: 'the samples asked for' }),
  failureLimit: Type.Integer({ minimum: 0, description: 'how many samples may break the condition before the analysis fails' }),
  verdict: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('inconclusive')]),
  /** Every sample, as a content-addressed file in the program folder (docs/production-evidence.md). */
  samples: Type.Object({ file: RepoPath, sha256: Digest, bytes: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  observed: Type.Object(
    {
      samples: Type.Integer({ minimum: 0 }),
      startedAt: IsoTime,
      endedAt: IsoTime,
      spanSeconds: Type.Number({ minimum: 0 }),
      minimum: Type.Union([Type.Number(), Type.Null()]),
      maximum: Type.Union([Type.Number(), Type.Null()]),
      failed: Type.Integer({ minimum: 0 }),
      inconclusive: Type.Integer({ minimum: 0 }),
      failing: Type.Array(Type.Object({ at: IsoTime, series: Type.String(), value: Type.String() }, { additionalProperties: false }), { maxItems: 20 }),
      firstProblem: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
};

const evidenceCommon = {
  party: Party,
  /** The target the evidence was taken against; it counts for this target only. */
  target: TargetRef,
  result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
  summary: Type.String({ minLength: 1 }),
};

const MetricAnalysis = Type.Object({ ...evidenceCommon, kind: Type.Literal('metric-analysis'), ...MetricAnalysisFields }, { additionalProperties: false });

/** Evidence, one shape per kind: what the tool checked for itself, with content hashes. */
const Evidence = Type.Union([
  Type.Object(
    { ...evidenceCommon, kind: Type.Literal('handoff-payload'), file: RepoPath, sha256: Digest, payloadVersion: Type.Integer() },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...evidenceCommon,
      kind: Type.Literal('repin'),
      commit: Sha,
      files: Type.Array(Type.Object({ path: RepoPath, blob: Sha }, { additionalProperties: false }), { minItems: 1 }),
      /** Pin-set files found byte-identical to the producer's file at the target commit (same_as_producer). */
      sameAsProducer: Type.Optional(
        Type.Array(Type.Object({ path: RepoPath, producerPath: RepoPath, blob: Sha }, { additionalProperties: false })),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...evidenceCommon,
      kind: Type.Literal('verification-run'),
      run: Run,
      /**
       * Where the run ran, read before it started: the commit, and for a consumer its pinned files there
       * (the paths its repin recorded, with their blob ids). Held to the target in admission
       * (src/domain/run-checkout.ts, docs/evidence.md); absent in lines written before it was added.
       */
      checkout: Type.Optional(
        Type.Object(
          {
            commit: Sha,
            pins: Type.Optional(Type.Array(Type.Object({ path: RepoPath, blob: Sha }, { additionalProperties: false }))),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  ...(['rollback-drill', 'rollback-execution'] as const).map((kind) =>
    Type.Object(
      {
        ...evidenceCommon,
        kind: Type.Literal(kind),
        /** Where the rollback goes: the last approved baseline. */
        rollbackTarget: TargetRef,
        /** The verification run that proves the restored baseline, taken with the rollback. */
        run: Run,
        verdict: Type.Union([Type.Literal('READY'), Type.Literal('PASS'), Type.Literal('FAIL')]),
      },
      { additionalProperties: false },
    ),
  ),
  Type.Object(
    { ...evidenceCommon, kind: Type.Literal('artifact'), file: RepoPath, sha256: Digest, bytes: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  MetricAnalysis,
]);

/** The data schema of every event type; the keys are the event types. */
export const EventData = {
  /** `digest` is of the definition's canonical JSON; `file` of the cutover.yaml bytes it was read from. */
  'program.defined': Type.Object({ definition: ProgramDefinition, digest: Digest, file: Digest }, { additionalProperties: false }),
  'program.amended': Type.Object(
    { definition: ProgramDefinition, digest: Digest, file: Digest, reason: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  'target.published': Type.Object(
    {
      target: Target,
      as: Type.Union([Type.Literal('candidate'), Type.Literal('baseline')]),
      /** Null when published without checking the producer's repository: such a target is not verified. */
      verification: Type.Union([TagFacts, Type.Null()]),
    },
    { additionalProperties: false },
  ),
  /** A later check of the candidate target against the producer's repository; a failed check is recorded too. */
  'target.verified': Type.Object(
    {
      tag: Type.String({ minLength: 1 }),
      sha: Sha,
      ok: Type.Boolean(),
      facts: Type.Union([TagFacts, Type.Null()]),
      problems: Type.Array(Type.String()),
    },
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
  'evidence.added': Evidence,
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
  /**
   * The incident lifecycle. Every step names the party it speaks for (`party`), and is recorded by
   * that party's incident commander or rollback owner (see authority.ts).
   */
  'incident.declared': Type.Object(
    {
      id: IncidentId,
      party: Party,
      trigger: Type.String({ minLength: 1, description: 'a trigger id of the incidents: policy' }),
      /** The trigger's required action, as the policy in force said when the incident was declared. */
      action: IncidentAction,
      severity: Severity,
      summary: Type.String({ minLength: 1, description: 'the impact summary' }),
      /** When the trigger was identified: the deadlines run from here. */
      identifiedAt: IsoTime,
      contractMode: Type.String({ minLength: 1, description: 'the affected contract mode, e.g. service.v3' }),
      /** The target in play and the rollback target when the incident was declared. */
      current: Type.Union([TargetRef, Type.Null()]),
      rollbackTarget: Type.Union([TargetRef, Type.Null()]),
      /** The deadlines of the policy in force when the incident was declared; a later amendment does not move them. */
      deadlines: IncidentDeadlines,
    },
    { additionalProperties: false },
  ),
  'incident.notified': Type.Object(
    { ...incidentStep, actions: Type.Array(Type.String({ minLength: 1 })), nextUpdate: NextUpdate, note: Type.Optional(Type.String({ minLength: 1 })) },
    { additionalProperties: false },
  ),
  'incident.rollback-recommended': Type.Object(
    { ...incidentStep, from: TargetRef, to: TargetRef, note: Type.Optional(Type.String({ minLength: 1 })) },
    { additionalProperties: false },
  ),
  /** The rollback done: `to` becomes the baseline again, `from` is marked rolled back, `phases` move back to not-started. */
  'incident.rollback-executed': Type.Object(
    {
      ...incidentStep,
      from: TargetRef,
      to: Target,
      phases: Type.Array(Type.String({ minLength: 1 })),
      note: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  /** A consumer confirms its repin against the rollback target; `evidence` is the seq of the accepted repin. */
  'incident.repin-confirmed': Type.Object(
    { ...incidentStep, target: TargetRef, evidence: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  'incident.updated': Type.Object(
    {
      ...incidentStep,
      note: Type.String({ minLength: 1 }),
      actions: Type.Array(Type.String({ minLength: 1 })),
      severity: Type.Optional(Severity),
      nextUpdate: NextUpdate,
    },
    { additionalProperties: false },
  ),
  /** The joint incident summary: the final decision record's text and its residual-risk statement. */
  'incident.summarized': Type.Object(
    { ...incidentStep, summary: Type.String({ minLength: 1 }), residualRisk: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  /** A party's owner approves the summary recorded at seq `summary` (a later summary needs approving again). */
  'incident.approved': Type.Object(
    { ...incidentStep, summary: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String({ minLength: 1 })) },
    { additionalProperties: false },
  ),
  /** Closed with its reversal evidence complete: the summary, the approvals and the runs it rests on, by seq. */
  'incident.closed': Type.Object(
    {
      ...incidentStep,
      summary: Type.Integer({ minimum: 1 }),
      approvals: Type.Array(Type.Object({ party: Party, role: Type.String({ minLength: 1 }), seq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })),
      evidence: Type.Array(
        Type.Object({ party: Party, kind: Type.String({ minLength: 1 }), seq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      ),
      note: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  /** A scheduled review of an active phase (phases with review_every). */
  'review.recorded': Type.Object(
    { phase: Type.String({ minLength: 1 }), note: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  /** A notice given for a notice gate: the phase it guards starts no sooner than the gate's period after it. */
  'notice.given': Type.Object(
    { gate: Type.String({ minLength: 1 }), text: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
  /**
   * The decision-log owner's correction of lines dated in the future (see domain/clock-correction.ts):
   * the lines from `misdatedFrom` to the one before this are misdated, and time goes on from this line's.
   */
  'clock.corrected': Type.Object(
    { misdatedFrom: Type.Integer({ minimum: 1, description: 'the first line dated after this one, by more than the clock skew' }), reason: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>;

export type EventType = keyof typeof EventData;
export const EVENT_TYPES = Object.keys(EventData) as EventType[];

export type EventDataOf<T extends EventType> = Static<(typeof EventData)[T]>;
export type TargetRef = Static<typeof TargetRef>;
export type EvidenceData = Static<typeof Evidence>;
export type TagFacts = Static<typeof TagFacts>;
export type CommandRun = Static<typeof CommandRun>;
export type RunData = Static<typeof Run>;
export type MetricAnalysisData = Static<typeof MetricAnalysis>;
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
