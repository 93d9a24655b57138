/**
 * The fold as it computed before issue 30's pass on its cost (commit eadac39), kept as the reference
 * that fold-before.property.spec.ts holds the faster code equal to: evolve, the time marks, and the
 * command admission takes a line back to. Copied as it was, spreads and all; do not speed it up.
 */
import type { Command, EvidenceInput } from '../../src/domain/decide.js';
import type { Candidate } from '../../src/domain/admission.js';
import { TIME_MARKS_KEPT, type TimeMark } from '../../src/domain/clock-correction.js';
import type { EventDataOf, EventType, LedgerEvent } from '../../src/domain/events.js';
import {
  evidenceKey,
  repinKey,
  sameTarget,
  targetKey,
  type ApprovedPair,
  type EvidenceRecord,
  type Incident,
  type ManualBlocker,
  type ProgramState,
  type Provenance,
  type VerdictRecord,
} from '../../src/domain/state.js';

export function nextTimeMarksBefore(marks: readonly TimeMark[], seq: number, at: string): readonly TimeMark[] {
  const last = marks[marks.length - 1];
  if (last !== undefined && at === last.at) return marks;
  const kept = last !== undefined && at < last.at ? marks.filter((m) => m.at <= at) : marks;
  const next = kept.length >= TIME_MARKS_KEPT ? kept.slice(kept.length - TIME_MARKS_KEPT + 1) : kept.slice();
  next.push({ seq, at });
  return next;
}

function withIncidentBefore(state: ProgramState, id: string, change: (incident: Incident) => Incident): ProgramState {
  const incident = state.incidents[id];
  return incident === undefined ? state : { ...state, incidents: { ...state.incidents, [id]: change(incident) } };
}

/**
 * Evidence is most of a long ledger (a verification run from every CI push), so its fold copies the
 * state once, member by member, with no spreads: V8 builds such a literal with one fixed shape. With
 * the spreads in decide and admission also written out, verifying an evidence line's policy went
 * from 20 to 5 µs (CPU, 40,000 events; the compiler makes sure no member is forgotten here).
 */
function withEvidenceBefore(state: ProgramState, event: Extract<LedgerEvent, { type: 'evidence.added' }>): ProgramState {
  const d = event.data;
  const record: EvidenceRecord = { seq: event.seq, at: event.at, actor: event.actor, kind: d.kind, party: d.party, target: d.target, result: d.result, summary: d.summary };
  const evidence = { ...state.evidence };
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
  return {
    program: state.program,
    definition: state.definition,
    definitionDigest: state.definitionDigest,
    definitionFileDigest: state.definitionFileDigest,
    definitionSeq: state.definitionSeq,
    head: event.hash,
    seq: event.seq,
    lastAt: event.at,
    timeMarks: nextTimeMarksBefore(state.timeMarks, event.seq, event.at),
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

/** Fold one event into the state. Pure and total: an unknown type cannot reach here (typed union). */
export function evolveBefore(state: ProgramState, event: LedgerEvent): ProgramState {
  if (event.type === 'evidence.added') return withEvidenceBefore(state, event);
  const base: ProgramState = { ...state, head: event.hash, seq: event.seq, lastAt: event.at, timeMarks: nextTimeMarksBefore(state.timeMarks, event.seq, event.at) };
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
        roleVerdicts: { ...base.roleVerdicts, [d.decision]: { ...base.roleVerdicts[d.decision], [event.actor]: { ...record, party: d.party, key: event.sig.key } } },
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
      return withIncidentBefore(base, id, (i) => ({ ...i, notified: { ...at, party, actions, ...noteOf(note) }, actions: [...i.actions, ...actions], nextUpdate }));
    }
    case 'incident.rollback-recommended': {
      const { id, party, from, to, note } = event.data;
      return withIncidentBefore(base, id, (i) => ({ ...i, recommended: { ...at, party, from, to, ...noteOf(note) } }));
    }
    case 'incident.rollback-executed': {
      const { id, party, from, to, phases, note } = event.data;
      if (base.incidents[id] === undefined) return base;
      const moved = { ...base.phases };
      for (const phase of phases) moved[phase] = { ...at, status: 'not-started', reason: `rolled back (${id})` };
      const target = base.target !== null && sameTarget(base.target, from) ? { ...base.target, rolledBack: { ...at, incident: id } } : base.target;
      const rolledBack = withIncidentBefore(base, id, (i) => ({ ...i, rolledBack: { ...at, party, from, to, phases, ...noteOf(note) } }));
      return { ...rolledBack, baseline: to, rollbackTarget: to, target, phases: moved, baselineSince: event.at };
    }
    case 'incident.repin-confirmed': {
      const { id, party, target, evidence } = event.data;
      return withIncidentBefore(base, id, (i) => ({ ...i, repins: { ...i.repins, [party]: { ...at, party, target, evidence } } }));
    }
    case 'incident.updated': {
      const { id, party, note, actions, severity, nextUpdate } = event.data;
      return withIncidentBefore(base, id, (i) => ({
        ...i,
        updates: [...i.updates, { ...at, party, note, actions, ...(severity === undefined ? {} : { severity }) }],
        severity: severity ?? i.severity,
        actions: [...i.actions, ...actions],
        nextUpdate,
      }));
    }
    case 'incident.summarized': {
      const { id, party, summary, residualRisk } = event.data;
      return withIncidentBefore(base, id, (i) => ({ ...i, jointSummary: { ...at, party, summary, residualRisk } }));
    }
    case 'incident.approved': {
      const { id, party, summary, note } = event.data;
      const parties = base.definition?.parties.map((p) => p.id) ?? [];
      return withIncidentBefore(base, id, (i) => {
        const approvals = { ...i.approvals, [party]: { ...at, party, summary, ...noteOf(note) } };
        const joint = i.jointSummary !== null && parties.every((p) => approvals[p]?.summary === i.jointSummary!.seq);
        return { ...i, approvals, summaryApprovedAt: i.summaryApprovedAt ?? (joint ? event.at : null) };
      });
    }
    case 'review.recorded':
      return { ...base, reviews: { ...base.reviews, [event.data.phase]: { ...at, note: event.data.note } } };
    case 'notice.given':
      return { ...base, notices: { ...base.notices, [event.data.gate]: { ...at, text: event.data.text } } };
    case 'clock.corrected':
      // The correction's whole effect is on time (base's marks): the misdated lines keep theirs.
      return base;
    case 'incident.closed': {
      const { id, party, summary, note } = event.data;
      return withIncidentBefore(base, id, (i) => ({ ...i, closed: { ...at, party, summarySeq: summary, ...noteOf(note) } }));
    }
    default:
      return assertNeverBefore(event);
  }
}

function noteOf(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}

/** The command an event stands for: the one `decide` would have turned into it. */
export function commandOfBefore(event: Candidate): Command {
  const base = { actor: event.actor, at: event.at };
  const of = <T extends EventType>(_type: T) => event.data as EventDataOf<T>;
  switch (event.type) {
    case 'program.defined': {
      const d = of('program.defined');
      return { ...base, type: 'define-program', definition: d.definition, digest: d.digest, fileDigest: d.file };
    }
    case 'program.amended': {
      const d = of('program.amended');
      return { ...base, type: 'amend-program', definition: d.definition, digest: d.digest, fileDigest: d.file, reason: d.reason };
    }
    case 'target.published': {
      const d = of('target.published');
      return { ...base, type: 'publish-target', target: d.target, as: d.as, check: d.verification === null ? null : { ok: true, facts: d.verification, problems: [] } };
    }
    case 'target.verified': {
      const d = of('target.verified');
      return { ...base, type: 'verify-target', check: { ok: d.ok, facts: d.facts, problems: d.problems } };
    }
    case 'verdict.cast': {
      const d = of('verdict.cast');
      return { ...base, type: 'cast-verdict', decision: d.decision, verdict: d.verdict, ...optional('note', d.note) };
    }
    case 'evidence.added': {
      const d = of('evidence.added');
      return { actor: event.actor, at: event.at, type: 'add-evidence', party: d.party, summary: d.summary, evidence: evidenceInputOf(d) };
    }
    case 'blocker.raised': {
      const d = of('blocker.raised');
      return { ...base, type: 'raise-blocker', id: d.id, text: d.text, owner: d.owner, due: d.due, ...optional('phase', d.phase) };
    }
    case 'blocker.resolved': {
      const d = of('blocker.resolved');
      return { ...base, type: 'resolve-blocker', id: d.id, note: d.note };
    }
    case 'phase.started':
      return { ...base, type: 'start-phase', phase: of('phase.started').phase };
    case 'phase.closed': {
      const d = of('phase.closed');
      return { ...base, type: 'close-phase', phase: d.phase, reason: d.reason };
    }
    case 'phase.completed': {
      const d = of('phase.completed');
      return { ...base, type: 'complete-phase', phase: d.phase, reason: d.reason };
    }
    case 'incident.declared': {
      const d = of('incident.declared');
      return { ...base, type: 'declare-incident', id: d.id, party: d.party, trigger: d.trigger, severity: d.severity, summary: d.summary, identifiedAt: d.identifiedAt, contractMode: d.contractMode };
    }
    case 'incident.notified': {
      const d = of('incident.notified');
      return { ...base, type: 'notify-incident', id: d.id, party: d.party, actions: d.actions, ...optional('nextUpdate', d.nextUpdate ?? undefined), ...optional('note', d.note) };
    }
    case 'incident.rollback-recommended': {
      const d = of('incident.rollback-recommended');
      return { ...base, type: 'recommend-rollback', id: d.id, party: d.party, ...optional('note', d.note) };
    }
    case 'incident.rollback-executed': {
      const d = of('incident.rollback-executed');
      return { ...base, type: 'execute-rollback', id: d.id, party: d.party, ...optional('note', d.note) };
    }
    case 'incident.repin-confirmed': {
      const d = of('incident.repin-confirmed');
      return { ...base, type: 'confirm-repin', id: d.id, party: d.party };
    }
    case 'incident.updated': {
      const d = of('incident.updated');
      return { ...base, type: 'update-incident', id: d.id, party: d.party, note: d.note, actions: d.actions, ...optional('severity', d.severity), ...optional('nextUpdate', d.nextUpdate ?? undefined) };
    }
    case 'incident.summarized': {
      const d = of('incident.summarized');
      return { ...base, type: 'summarize-incident', id: d.id, party: d.party, summary: d.summary, residualRisk: d.residualRisk };
    }
    case 'incident.approved': {
      const d = of('incident.approved');
      return { ...base, type: 'approve-incident', id: d.id, party: d.party, ...optional('note', d.note) };
    }
    case 'review.recorded': {
      const d = of('review.recorded');
      return { ...base, type: 'record-review', phase: d.phase, note: d.note };
    }
    case 'notice.given': {
      const d = of('notice.given');
      return { ...base, type: 'give-notice', gate: d.gate, text: d.text };
    }
    case 'clock.corrected':
      return { ...base, type: 'correct-clock', reason: of('clock.corrected').reason };
    case 'incident.closed': {
      const d = of('incident.closed');
      return { ...base, type: 'close-incident', id: d.id, party: d.party, ...optional('note', d.note) };
    }
    default:
      return assertNeverBefore(event.type);
  }
}

function evidenceInputOf(d: EventDataOf<'evidence.added'>): EvidenceInput {
  switch (d.kind) {
    case 'handoff-payload':
      return { kind: d.kind, file: d.file, sha256: d.sha256, recorded: { payloadVersion: d.payloadVersion } };
    case 'repin':
      return { kind: d.kind, recorded: { commit: d.commit, files: d.files, ...optional('sameAsProducer', d.sameAsProducer) } };
    case 'verification-run':
      // Written out, not spread: runs are most of a long ledger (see withEvidence in state.ts).
      return d.checkout === undefined ? { kind: d.kind, run: d.run } : { kind: d.kind, run: d.run, recorded: d.checkout };
    case 'rollback-drill':
    case 'rollback-execution':
      return { kind: d.kind, verdict: d.verdict, run: d.run, recorded: true };
    case 'artifact':
      return { kind: d.kind, file: d.file, sha256: d.sha256, bytes: d.bytes };
    case 'metric-analysis':
      return {
        kind: d.kind,
        ask: { prometheus: d.prometheus, query: d.query, success: d.success, interval: d.interval, count: d.count, failureLimit: d.failureLimit },
        artifact: d.samples,
        recorded: { observed: d.observed, verdict: d.verdict },
      };
    default:
      return assertNeverBefore(d);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function assertNeverBefore(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
