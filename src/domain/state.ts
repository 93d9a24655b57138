/**
 * The state of a program, folded from its ledger by `evolve`. Only what the evaluator needs is
 * kept; everything else is re-read from the events themselves (`cutover log`).
 */
import { nextTimeMarks, type TimeMark } from './clock-correction.js';
import type { ApprovedPairDefinition, DeadlineName, EvidenceKindName, IncidentActionName, ProgramDefinition, SeverityName, TargetDefinition } from '../program/schema.js';
import type { LedgerEvent, TagFacts, TargetRef, VerdictValue } from './events.js';
import type { AnalysisPart } from './metric-analysis.js';

export type PhaseStatusName = 'not-started' | 'active' | 'closed' | 'complete';

/** Where in the ledger a fact was recorded. */
export interface Provenance {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
}

export interface PublishedTarget extends TargetDefinition, Provenance {
  /** Verified against the producer's repository, by the latest check (publication or a later re-check). */
  readonly verified: boolean;
  /** The tag as found by the latest successful check (annotated? which tag object?), null if never verified. */
  readonly facts: TagFacts | null;
  /** The seq of the latest check, and what it found wrong (empty when verified). */
  readonly checkedSeq: number | null;
  readonly problems: readonly string[];
  /** Set when an incident rolled this target back: it no longer counts until a new target is published. */
  readonly rolledBack: RolledBackBy | null;
}

export interface RolledBackBy extends Provenance {
  readonly incident: string;
}

export interface VerdictRecord extends Provenance {
  readonly verdict: VerdictValue;
  readonly target: TargetRef | null;
  readonly note?: string;
}

/** A verdict as one approver role last cast it, with the key that signed it (quorum counts roles and keys). */
export interface RoleVerdictRecord extends VerdictRecord {
  readonly party: string;
  readonly key: string;
}

/** A producer/consumer pair approved by completing the promoting phase (or listed in cutover.yaml: seq 0). */
export interface ApprovedPair extends ApprovedPairDefinition, Provenance {}

export interface NoticeRecord extends Provenance {
  readonly text: string;
}

export interface EvidenceRecord extends Provenance {
  readonly kind: EvidenceKindName;
  readonly party: string;
  readonly target: TargetRef;
  readonly result: 'pass' | 'fail';
  readonly summary: string;
}

/** A repin as accepted: its commit and the pinned files with their blob ids there. */
export interface AcceptedRepin {
  readonly seq: number;
  readonly commit: string;
  readonly files: readonly { readonly path: string; readonly blob: string }[];
}

export interface ManualBlocker extends Provenance {
  readonly id: string;
  readonly text: string;
  readonly owner: string;
  readonly due: string;
  readonly phase?: string;
}

export interface PhaseRecord extends Provenance {
  /** `not-started` only for a phase a rollback moved back (its reason says which incident). */
  readonly status: PhaseStatusName;
  readonly reason?: string;
}

/** One step of an incident's lifecycle: who recorded it, when, for which party. */
export interface IncidentStep extends Provenance {
  readonly party: string;
  readonly note?: string;
}

export interface Incident extends Provenance {
  readonly id: string;
  readonly party: string;
  readonly trigger: string;
  readonly action: IncidentActionName;
  readonly severity: SeverityName;
  /** The impact summary given when it was declared. */
  readonly summary: string;
  readonly identifiedAt: string;
  readonly contractMode: string;
  readonly current: TargetRef | null;
  readonly rollbackTarget: TargetRef | null;
  /** The deadline durations of the policy in force when it was declared. */
  readonly deadlinePolicy: Readonly<Record<DeadlineName, string>>;
  readonly notified: (IncidentStep & { readonly actions: readonly string[] }) | null;
  readonly recommended: (IncidentStep & { readonly from: TargetRef; readonly to: TargetRef }) | null;
  readonly rolledBack: (IncidentStep & { readonly from: TargetRef; readonly to: TargetDefinition; readonly phases: readonly string[] }) | null;
  /** Repin confirmations by consumer party. */
  readonly repins: Readonly<Record<string, IncidentStep & { readonly target: TargetRef; readonly evidence: number }>>;
  readonly updates: readonly (IncidentStep & { readonly note: string; readonly actions: readonly string[]; readonly severity?: SeverityName })[];
  /** The latest joint summary (text and residual risk). */
  readonly jointSummary: (IncidentStep & { readonly summary: string; readonly residualRisk: string }) | null;
  /** The latest approval by party, and the seq of the summary it approves. */
  readonly approvals: Readonly<Record<string, IncidentStep & { readonly summary: number }>>;
  /** When a summary first had every party's approval: the joint summary deadline is met then. */
  readonly summaryApprovedAt: string | null;
  /** Immediate actions noted with the notice and updates, in order. */
  readonly actions: readonly string[];
  /** When the next update is due, from the latest notice or update. */
  readonly nextUpdate: string | null;
  readonly closed: (IncidentStep & { readonly summarySeq: number }) | null;
}

export interface ProgramState {
  readonly program: string | null;
  readonly definition: ProgramDefinition | null;
  readonly definitionDigest: string | null;
  /** sha256 of the cutover.yaml bytes the definition in force was recorded from. */
  readonly definitionFileDigest: string | null;
  readonly definitionSeq: number;
  /** Hash of the last event, `null` for an empty ledger. */
  readonly head: string | null;
  readonly seq: number;
  readonly lastAt: string | null;
  /** The last moves of the ledger's time, oldest first: what a clock correction is checked against. */
  readonly timeMarks: readonly TimeMark[];
  /** The candidate runtime target: the last one published as such. */
  readonly target: PublishedTarget | null;
  /** The target in production now. */
  readonly baseline: TargetDefinition | null;
  /** The last approved baseline: where a rollback goes. */
  readonly rollbackTarget: TargetDefinition | null;
  /** Latest verdict by decision, then by party. */
  readonly verdicts: Readonly<Record<string, Readonly<Record<string, VerdictRecord>>>>;
  /** Latest evidence by `party|kind|tag@sha` (the latest wins: a later failure clears a pass). */
  readonly evidence: Readonly<Record<string, EvidenceRecord>>;
  readonly evidenceCount: number;
  readonly openBlockers: Readonly<Record<string, ManualBlocker>>;
  readonly raisedBlockerCount: number;
  readonly phases: Readonly<Record<string, PhaseRecord>>;
  /** Every incident declared, open or closed, by id. */
  readonly incidents: Readonly<Record<string, Incident>>;
  /** Latest verdict by decision, then by approver role. */
  readonly roleVerdicts: Readonly<Record<string, Readonly<Record<string, RoleVerdictRecord>>>>;
  /** When the baseline went into production (was recorded, promoted or restored); null without one. */
  readonly baselineSince: string | null;
  /** The latest review of each phase. */
  readonly reviews: Readonly<Record<string, Provenance & { readonly note: string }>>;
  /** The latest notice given for each notice gate. */
  readonly notices: Readonly<Record<string, NoticeRecord>>;
  /** Pairs approved by completing the promoting phase, in order. */
  readonly approvedPairs: readonly ApprovedPair[];
  /** The latest passing repin commit by `party|tag@sha`. */
  readonly repinCommits: Readonly<Record<string, string>>;
  /** The latest accepted repin by `party|tag@sha`, with the pinned files it recorded (a run counts where they are unchanged). */
  readonly acceptedRepins: Readonly<Record<string, AcceptedRepin>>;
  /**
   * The latest git check of each `tag@sha` pair (publish with a repository, target verify): whether the
   * baseline or the rollback target is verified is looked up here, so a later failed check clears it.
   */
  readonly targetChecks: Readonly<Record<string, boolean>>;
  /** Every metric analysis by `party|tag@sha`, in order: a soak gate sums their spans (metric-analysis.ts). */
  readonly metricAnalyses: Readonly<Record<string, readonly AnalysisPart[]>>;
}

export function initialState(): ProgramState {
  return {
    program: null,
    definition: null,
    definitionDigest: null,
    definitionFileDigest: null,
    definitionSeq: 0,
    head: null,
    seq: 0,
    lastAt: null,
    timeMarks: [],
    target: null,
    baseline: null,
    rollbackTarget: null,
    verdicts: {},
    evidence: {},
    evidenceCount: 0,
    openBlockers: {},
    raisedBlockerCount: 0,
    phases: {},
    incidents: {},
    roleVerdicts: {},
    baselineSince: null,
    reviews: {},
    notices: {},
    approvedPairs: [],
    repinCommits: {},
    acceptedRepins: {},
    targetChecks: {},
    metricAnalyses: {},
  };
}

export function repinKey(party: string, target: TargetRef): string {
  return `${party}|${target.tag}@${target.sha}`;
}

export function targetKey(target: TargetRef): string {
  return `${target.tag}@${target.sha}`;
}

/** Whether `target` was checked in git and its latest check held (false for one never checked). */
export function isVerifiedTarget(state: ProgramState, target: TargetRef): boolean {
  return state.targetChecks[targetKey(target)] === true;
}

export function evidenceKey(party: string, kind: string, target: TargetRef): string {
  return `${party}|${kind}|${target.tag}@${target.sha}`;
}

export function sameTarget(a: TargetRef | null, b: TargetRef | null): boolean {
  if (a === null || b === null) return a === b;
  return a.tag === b.tag && a.sha === b.sha;
}

export function describeTarget(t: TargetRef | null): string {
  return t === null ? '(no target)' : `${t.tag} @ ${t.sha.slice(0, 12)}`;
}

export function targetRef(t: TargetRef | null): TargetRef | null {
  return t === null ? null : { tag: t.tag, sha: t.sha };
}

/**
 * The target evidence is taken against: the candidate target, or — once an incident rolled it
 * back — the restored baseline (the rollback target), until a new target is published.
 */
export function evidenceTarget(state: ProgramState): TargetDefinition | null {
  const t = state.target;
  if (t === null) return null;
  if (t.rolledBack !== null && state.baseline !== null) return state.baseline;
  return { tag: t.tag, sha: t.sha, contracts: t.contracts };
}

/** The target in play: what evidence is taken against, or the baseline when no target is published. */
export function currentTarget(state: ProgramState): TargetDefinition | null {
  return evidenceTarget(state) ?? state.baseline;
}

export function openIncidents(state: ProgramState): Incident[] {
  return Object.values(state.incidents)
    .filter((i) => i.closed === null)
    .sort((a, b) => a.seq - b.seq);
}

/** Apply a change to one incident; an event about an incident never declared changes nothing. */
function withIncident(state: ProgramState, id: string, change: (incident: Incident) => Incident): ProgramState {
  const incident = state.incidents[id];
  return incident === undefined ? state : { ...state, incidents: { ...state.incidents, [id]: change(incident) } };
}

/**
 * Evidence is most of a long ledger (a verification run from every CI push), so its fold copies the
 * state once, member by member, with no spreads: V8 builds such a literal with one fixed shape. With
 * the spreads in decide and admission also written out, verifying an evidence line's policy went
 * from 20 to 5 µs (CPU, 40,000 events; the compiler makes sure no member is forgotten here).
 * `inPlace`: the state and its record map are the caller's alone to change (evolveFolded).
 */
function withEvidence(state: ProgramState, event: Extract<LedgerEvent, { type: 'evidence.added' }>, inPlace: boolean): ProgramState {
  const d = event.data;
  const record: EvidenceRecord = { seq: event.seq, at: event.at, actor: event.actor, kind: d.kind, party: d.party, target: d.target, result: d.result, summary: d.summary };
  const evidence = inPlace ? (state.evidence as Record<string, EvidenceRecord>) : { ...state.evidence };
  // Built each time (0.2 µs), not found by a walk over the records: a for-in over the map enumerates
  // every key before the first is compared, 2 µs at 60 records and 40 at 1,000 (30 targets of a long
  // program make 60); withEvidence is the one writer, so a record's key is always this one.
  evidence[evidenceKey(d.party, d.kind, d.target)] = record;
  let metricAnalyses = state.metricAnalyses;
  if (d.kind === 'metric-analysis') {
    const key = repinKey(d.party, d.target);
    const part = { seq: event.seq, query: d.query, passed: d.verdict === 'pass', startedAt: d.observed.startedAt, endedAt: d.observed.endedAt };
    metricAnalyses = { ...metricAnalyses, [key]: [...(metricAnalyses[key] ?? []), part] };
  }
  let repinCommits = state.repinCommits;
  let acceptedRepins = state.acceptedRepins;
  if (d.kind === 'repin' && d.result === 'pass') {
    repinCommits = { ...repinCommits, [repinKey(d.party, d.target)]: d.commit };
    acceptedRepins = { ...acceptedRepins, [repinKey(d.party, d.target)]: { seq: event.seq, commit: d.commit, files: d.files } };
  }
  if (inPlace) {
    // The members a literal would change, in their places: the state keeps its members' order.
    const folded = state as { -readonly [K in keyof ProgramState]: ProgramState[K] };
    folded.head = event.hash;
    folded.seq = event.seq;
    folded.lastAt = event.at;
    folded.timeMarks = nextTimeMarks(state.timeMarks, event.seq, event.at);
    folded.evidenceCount = state.evidenceCount + 1;
    folded.repinCommits = repinCommits;
    folded.acceptedRepins = acceptedRepins;
    folded.metricAnalyses = metricAnalyses;
    return folded;
  }
  return {
    program: state.program,
    definition: state.definition,
    definitionDigest: state.definitionDigest,
    definitionFileDigest: state.definitionFileDigest,
    definitionSeq: state.definitionSeq,
    head: event.hash,
    seq: event.seq,
    lastAt: event.at,
    timeMarks: nextTimeMarks(state.timeMarks, event.seq, event.at),
    target: state.target,
    baseline: state.baseline,
    rollbackTarget: state.rollbackTarget,
    verdicts: state.verdicts,
    evidence,
    evidenceCount: state.evidenceCount + 1,
    openBlockers: state.openBlockers,
    raisedBlockerCount: state.raisedBlockerCount,
    phases: state.phases,
    incidents: state.incidents,
    roleVerdicts: state.roleVerdicts,
    baselineSince: state.baselineSince,
    reviews: state.reviews,
    notices: state.notices,
    approvedPairs: state.approvedPairs,
    repinCommits,
    acceptedRepins,
    targetChecks: state.targetChecks,
    metricAnalyses,
  };
}

/**
 * Fold one event into the state. Pure and total: an unknown type cannot reach here (typed union).
 * The records of the events a long ledger holds many of (verdicts, blockers, phases, reviews,
 * notices) are written out member by member rather than spread from `at`: V8 (Node 20) adds a
 * member after a spread on its slow path, about 2 µs each, and `verify` folds every line.
 */
export function evolve(state: ProgramState, event: LedgerEvent): ProgramState {
  if (event.type === 'evidence.added') return withEvidence(state, event, false);
  const base: ProgramState = { ...state, head: event.hash, seq: event.seq, lastAt: event.at, timeMarks: nextTimeMarks(state.timeMarks, event.seq, event.at) };
  const at: Provenance = { seq: event.seq, at: event.at, actor: event.actor };
  switch (event.type) {
    case 'program.defined':
    case 'program.amended': {
      const def = event.data.definition;
      const first = event.type === 'program.defined';
      return {
        ...base,
        program: def.program.id,
        definition: def,
        definitionDigest: event.data.digest,
        definitionFileDigest: event.data.file,
        definitionSeq: event.seq,
        baseline: first ? (def.baseline ?? null) : base.baseline,
        rollbackTarget: first ? (def.baseline ?? null) : base.rollbackTarget,
        baselineSince: first ? (def.baseline === undefined ? null : event.at) : base.baselineSince,
      };
    }
    case 'target.published': {
      const { target, verification } = event.data;
      const checked = verification !== null;
      const targetChecks = checked ? { ...base.targetChecks, [targetKey(target)]: true } : base.targetChecks;
      if (event.data.as === 'baseline') {
        return { ...base, baseline: target, rollbackTarget: target, baselineSince: event.at, targetChecks };
      }
      return {
        ...base,
        targetChecks,
        target: { ...target, ...at, verified: checked, facts: verification, checkedSeq: checked ? event.seq : null, problems: [], rolledBack: null },
      };
    }
    case 'target.verified': {
      const d = event.data;
      const current = base.target;
      const targetChecks = { ...base.targetChecks, [targetKey(d)]: d.ok };
      // A check of another target than the current one changes nothing about the current one.
      if (current === null || current.tag !== d.tag || current.sha !== d.sha) return { ...base, targetChecks };
      return { ...base, targetChecks, target: { ...current, verified: d.ok, facts: d.ok ? d.facts : current.facts, checkedSeq: event.seq, problems: d.problems } };
    }
    case 'verdict.cast': {
      const { seq, actor } = event;
      const { party, verdict, target, note } = event.data;
      const key = event.sig.key;
      const record: VerdictRecord = note === undefined ? { seq, at: event.at, actor, verdict, target } : { seq, at: event.at, actor, verdict, target, note };
      const byRole: RoleVerdictRecord =
        note === undefined ? { seq, at: event.at, actor, verdict, target, party, key } : { seq, at: event.at, actor, verdict, target, note, party, key };
      const decision = event.data.decision;
      return {
        ...base,
        verdicts: { ...base.verdicts, [decision]: { ...base.verdicts[decision], [party]: record } },
        roleVerdicts: { ...base.roleVerdicts, [decision]: { ...base.roleVerdicts[decision], [actor]: byRole } },
      };
    }
    case 'blocker.raised': {
      const d = event.data;
      const { seq, actor } = event;
      const blocker: ManualBlocker =
        d.phase === undefined
          ? { seq, at: event.at, actor, id: d.id, text: d.text, owner: d.owner, due: d.due }
          : { seq, at: event.at, actor, id: d.id, text: d.text, owner: d.owner, due: d.due, phase: d.phase };
      return {
        ...base,
        openBlockers: { ...base.openBlockers, [d.id]: blocker },
        raisedBlockerCount: base.raisedBlockerCount + 1,
      };
    }
    case 'blocker.resolved': {
      const { [event.data.id]: _resolved, ...open } = base.openBlockers;
      return { ...base, openBlockers: open };
    }
    case 'phase.started':
      return { ...base, phases: { ...base.phases, [event.data.phase]: { seq: event.seq, at: event.at, actor: event.actor, status: 'active' } } };
    case 'phase.closed':
      return {
        ...base,
        phases: { ...base.phases, [event.data.phase]: { seq: event.seq, at: event.at, actor: event.actor, status: 'closed', reason: event.data.reason } },
      };
    case 'phase.completed': {
      const phases = { ...base.phases, [event.data.phase]: { seq: event.seq, at: event.at, actor: event.actor, status: 'complete' as const, reason: event.data.reason } };
      const promotes = base.definition?.phases.find((p) => p.id === event.data.phase)?.promotes_target === true;
      if (promotes && base.target !== null) {
        const { tag, sha, contracts } = base.target;
        const repins: Record<string, string> = {};
        for (const party of base.definition?.parties ?? []) {
          const commit = base.repinCommits[repinKey(party.id, base.target)];
          if (party.kind === 'consumer' && commit !== undefined) repins[party.id] = commit;
        }
        const pair: ApprovedPair = { ...at, tag, sha, contracts: { ...contracts }, repins };
        return { ...base, phases, rollbackTarget: base.baseline, baseline: { tag, sha, contracts }, baselineSince: event.at, approvedPairs: [...base.approvedPairs, pair] };
      }
      return { ...base, phases };
    }
    case 'incident.declared': {
      const d = event.data;
      const incident: Incident = {
        ...at,
        id: d.id,
        party: d.party,
        trigger: d.trigger,
        action: d.action,
        severity: d.severity,
        summary: d.summary,
        identifiedAt: d.identifiedAt,
        contractMode: d.contractMode,
        current: d.current,
        rollbackTarget: d.rollbackTarget,
        deadlinePolicy: d.deadlines,
        notified: null,
        recommended: null,
        rolledBack: null,
        repins: {},
        updates: [],
        jointSummary: null,
        approvals: {},
        summaryApprovedAt: null,
        actions: [],
        nextUpdate: null,
        closed: null,
      };
      return { ...base, incidents: { ...base.incidents, [d.id]: incident } };
    }
    case 'incident.notified': {
      const { id, party, actions, nextUpdate, note } = event.data;
      return withIncident(base, id, (i) => ({ ...i, notified: { ...at, party, actions, ...noteOf(note) }, actions: [...i.actions, ...actions], nextUpdate }));
    }
    case 'incident.rollback-recommended': {
      const { id, party, from, to, note } = event.data;
      return withIncident(base, id, (i) => ({ ...i, recommended: { ...at, party, from, to, ...noteOf(note) } }));
    }
    case 'incident.rollback-executed': {
      const { id, party, from, to, phases, note } = event.data;
      if (base.incidents[id] === undefined) return base;
      const moved = { ...base.phases };
      for (const phase of phases) moved[phase] = { ...at, status: 'not-started', reason: `rolled back (${id})` };
      const target = base.target !== null && sameTarget(base.target, from) ? { ...base.target, rolledBack: { ...at, incident: id } } : base.target;
      const rolledBack = withIncident(base, id, (i) => ({ ...i, rolledBack: { ...at, party, from, to, phases, ...noteOf(note) } }));
      return { ...rolledBack, baseline: to, rollbackTarget: to, target, phases: moved, baselineSince: event.at };
    }
    case 'incident.repin-confirmed': {
      const { id, party, target, evidence } = event.data;
      return withIncident(base, id, (i) => ({ ...i, repins: { ...i.repins, [party]: { ...at, party, target, evidence } } }));
    }
    case 'incident.updated': {
      const { id, party, note, actions, severity, nextUpdate } = event.data;
      return withIncident(base, id, (i) => ({
        ...i,
        updates: [...i.updates, { ...at, party, note, actions, ...(severity === undefined ? {} : { severity }) }],
        severity: severity ?? i.severity,
        actions: [...i.actions, ...actions],
        nextUpdate,
      }));
    }
    case 'incident.summarized': {
      const { id, party, summary, residualRisk } = event.data;
      return withIncident(base, id, (i) => ({ ...i, jointSummary: { ...at, party, summary, residualRisk } }));
    }
    case 'incident.approved': {
      const { id, party, summary, note } = event.data;
      const parties = base.definition?.parties.map((p) => p.id) ?? [];
      return withIncident(base, id, (i) => {
        const approvals = { ...i.approvals, [party]: { ...at, party, summary, ...noteOf(note) } };
        const joint = i.jointSummary !== null && parties.every((p) => approvals[p]?.summary === i.jointSummary!.seq);
        return { ...i, approvals, summaryApprovedAt: i.summaryApprovedAt ?? (joint ? event.at : null) };
      });
    }
    case 'review.recorded':
      return { ...base, reviews: { ...base.reviews, [event.data.phase]: { seq: event.seq, at: event.at, actor: event.actor, note: event.data.note } } };
    case 'notice.given':
      return { ...base, notices: { ...base.notices, [event.data.gate]: { seq: event.seq, at: event.at, actor: event.actor, text: event.data.text } } };
    case 'clock.corrected':
      // The correction's whole effect is on time (base's marks): the misdated lines keep theirs.
      return base;
    case 'incident.closed': {
      const { id, party, summary, note } = event.data;
      return withIncident(base, id, (i) => ({ ...i, closed: { ...at, party, summarySeq: summary, ...noteOf(note) } }));
    }
    default:
      return assertNever(event);
  }
}

/**
 * `evolve`, for a fold that alone holds `state` and `state.evidence` (`owned`): it made both (an
 * earlier call returned a new state with a new record map, and each call returns a new state but
 * for this one's) and has shown neither to anyone. New evidence is then written into them rather
 * than into copies: a copy of the map costs a little more with every target, party and kind the
 * ledger has seen (V8 copies a large one member by member, about 20 µs at 240 records), and
 * evidence is most of a ledger. The state it gives is the one `evolve` gives; the state before it,
 * which no one else holds, is not one to read again.
 */
export function evolveFolded(state: ProgramState, event: LedgerEvent, owned: boolean): ProgramState {
  return event.type === 'evidence.added' ? withEvidence(state, event, owned) : evolve(state, event);
}

function noteOf(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}

export function replay(events: Iterable<LedgerEvent>, from: ProgramState = initialState()): ProgramState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}

export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
