/**
 * The state of a program, folded from its ledger by `evolve`. Only what the evaluator needs is
 * kept; everything else is re-read from the events themselves (`cutover log`).
 */
import type { EvidenceKindName, ProgramDefinition, SeverityName, TargetDefinition } from '../program/schema.js';
import type { LedgerEvent, TagFacts, TargetRef, VerdictValue } from './events.js';

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
}

export interface VerdictRecord extends Provenance {
  readonly verdict: VerdictValue;
  readonly target: TargetRef | null;
  readonly note?: string;
}

export interface EvidenceRecord extends Provenance {
  readonly kind: EvidenceKindName;
  readonly party: string;
  readonly target: TargetRef;
  readonly result: 'pass' | 'fail';
  readonly summary: string;
}

export interface ManualBlocker extends Provenance {
  readonly id: string;
  readonly text: string;
  readonly owner: string;
  readonly due: string;
  readonly phase?: string;
}

export interface PhaseRecord extends Provenance {
  readonly status: Exclude<PhaseStatusName, 'not-started'>;
  readonly reason?: string;
}

export interface Incident extends Provenance {
  readonly id: string;
  readonly party: string;
  readonly severity: SeverityName;
  readonly summary: string;
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
  readonly openIncidents: Readonly<Record<string, Incident>>;
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
    target: null,
    baseline: null,
    rollbackTarget: null,
    verdicts: {},
    evidence: {},
    evidenceCount: 0,
    openBlockers: {},
    raisedBlockerCount: 0,
    phases: {},
    openIncidents: {},
  };
}

export function evidenceKey(party: string, kind: string, target: TargetRef): string {
  return `${party}|${kind}|${target.tag}@${target.sha}`;
}

export function sameTarget(a: TargetRef | null, b: TargetRef | null): boolean {
  if (a === null || b === null) return a === b;
  return a.tag === b.tag && a.sha === b.sha;
}

export function targetRef(t: TargetRef | null): TargetRef | null {
  return t === null ? null : { tag: t.tag, sha: t.sha };
}

/** Fold one event into the state. Pure and total: an unknown type cannot reach here (typed union). */
export function evolve(state: ProgramState, event: LedgerEvent): ProgramState {
  const base: ProgramState = { ...state, head: event.hash, seq: event.seq, lastAt: event.at };
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
      };
    }
    case 'target.published': {
      const { target, verification } = event.data;
      if (event.data.as === 'baseline') {
        return { ...base, baseline: target, rollbackTarget: target };
      }
      const checked = verification !== null;
      return {
        ...base,
        target: { ...target, ...at, verified: checked, facts: verification, checkedSeq: checked ? event.seq : null, problems: [] },
      };
    }
    case 'target.verified': {
      const d = event.data;
      const current = base.target;
      // A check of another target than the current one changes nothing about the current one.
      if (current === null || current.tag !== d.tag || current.sha !== d.sha) return base;
      return { ...base, target: { ...current, verified: d.ok, facts: d.ok ? d.facts : current.facts, checkedSeq: event.seq, problems: d.problems } };
    }
    case 'verdict.cast': {
      const d = event.data;
      const record: VerdictRecord = {
        ...at,
        verdict: d.verdict,
        target: d.target,
        ...(d.note === undefined ? {} : { note: d.note }),
      };
      return {
        ...base,
        verdicts: { ...base.verdicts, [d.decision]: { ...base.verdicts[d.decision], [d.party]: record } },
      };
    }
    case 'evidence.added': {
      const d = event.data;
      const record: EvidenceRecord = { ...at, kind: d.kind, party: d.party, target: d.target, result: d.result, summary: d.summary };
      return {
        ...base,
        evidence: { ...base.evidence, [evidenceKey(d.party, d.kind, d.target)]: record },
        evidenceCount: base.evidenceCount + 1,
      };
    }
    case 'blocker.raised': {
      const d = event.data;
      const blocker: ManualBlocker = { ...at, id: d.id, text: d.text, owner: d.owner, due: d.due, ...(d.phase === undefined ? {} : { phase: d.phase }) };
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
      return { ...base, phases: { ...base.phases, [event.data.phase]: { ...at, status: 'active' } } };
    case 'phase.closed':
      return {
        ...base,
        phases: { ...base.phases, [event.data.phase]: { ...at, status: 'closed', reason: event.data.reason } },
      };
    case 'phase.completed': {
      const phases = { ...base.phases, [event.data.phase]: { ...at, status: 'complete' as const, reason: event.data.reason } };
      const promotes = base.definition?.phases.find((p) => p.id === event.data.phase)?.promotes_target === true;
      if (promotes && base.target !== null) {
        const { tag, sha, contracts } = base.target;
        return { ...base, phases, rollbackTarget: base.baseline, baseline: { tag, sha, contracts } };
      }
      return { ...base, phases };
    }
    case 'incident.declared': {
      const d = event.data;
      return {
        ...base,
        openIncidents: { ...base.openIncidents, [d.id]: { ...at, id: d.id, party: d.party, severity: d.severity, summary: d.summary } },
      };
    }
    case 'incident.closed': {
      const { [event.data.id]: _closed, ...open } = base.openIncidents;
      return { ...base, openIncidents: open };
    }
    default:
      return assertNever(event);
  }
}

export function replay(events: Iterable<LedgerEvent>, from: ProgramState = initialState()): ProgramState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}

export function assertNever(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
