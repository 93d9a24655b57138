/**
 * `cutover status --json`, version 1: a documented contract (schemas/status.schema.json, from
 * status-schema.ts). Add fields freely; rename or remove only with a new version.
 */
import { currentPhase, urgencyOf } from '../domain/urgency.js';
import { nowOf } from '../domain/now.js';
import { nowReport } from './now-report.js';
import { decisionReason, pendingParties } from '../domain/decision-reason.js';
import type { Blocker as EvaluatedBlocker, Evaluation, IncidentView } from '../domain/evaluate.js';
import type { Deadline } from '../domain/incidents.js';
import type { ReviewDeadline, WindowTime } from '../domain/timing.js';
import { formatDuration } from '../program/duration.js';
import type { BlockerView, DeadlineReport, IncidentReport, ReviewReport, StatusReport } from './status-schema.js';

export const STATUS_VERSION = 1;

export type { BlockerView, DeadlineReport, NowItemReport, NowReport, StatusReport } from './status-schema.js';

export function blockerView(b: EvaluatedBlocker): BlockerView {
  return { gate: b.gate, kind: b.kind, text: b.text, owner: { ...b.owner }, details: [...b.details], missing: [...b.missing], waitingOn: [...b.waitingOn], clear: [...b.clear] };
}

export function statusReport(ev: Evaluation, now: Date, fileMatches: boolean): StatusReport {
  const t = ev.target;
  return {
    version: STATUS_VERSION,
    program: ev.program,
    head: ev.head,
    seq: ev.seq,
    at: ev.at,
    evaluatedAt: now.toISOString(),
    definition: { seq: ev.definitionSeq, digest: ev.definitionDigest, fileMatches },
    decisions: ev.decisions.map((d) => ({
      id: d.id,
      title: d.title,
      outcome: d.outcome,
      state: d.state,
      label: d.label,
      closesAfterPhase: d.closesAfterPhase,
      verdicts: Object.fromEntries(
        Object.entries(d.verdicts).map(([party, v]) => [
          party,
          v === null
            ? null
            : { verdict: v.verdict, role: v.actor, at: v.at, seq: v.seq, target: v.target, stale: v.stale, ...(v.note === undefined ? {} : { note: v.note }) },
        ]),
      ),
      blockers: d.blockers.map((b) => b.gate),
      pending: pendingParties(d),
      reason: decisionReason(d),
      approvals: approvalsReport(d.approvals),
    })),
    phases: ev.phases.map((p) => ({ id: p.id, title: p.title, status: p.status, reason: p.reason, canCompleteAt: p.canCompleteAt })),
    nextPhase: ev.nextPhase,
    currentPhase: currentPhase(ev),
    urgency: urgencyOf(ev),
    blockers: ev.blockers.map(blockerView),
    window: ev.window === null ? null : { decision: ev.window.decision, status: ev.window.approved ? 'approved' : 'not-approved', notes: { ...ev.window.notes }, ...windowTimeReport(ev.window.time) },
    target:
      t === null
        ? null
        : {
            tag: t.tag,
            sha: t.sha,
            contracts: { ...t.contracts },
            seq: t.seq,
            at: t.at,
            by: t.actor,
            verified: t.verified,
            annotated: t.facts?.annotated ?? null,
            tagObject: t.facts?.tagObject ?? null,
            checkedSeq: t.checkedSeq,
            problems: [...t.problems],
            rolledBack: t.rolledBack === null ? null : { incident: t.rolledBack.incident, seq: t.rolledBack.seq, at: t.rolledBack.at },
          },
    baseline: ev.baseline,
    baselineVerified: ev.baselineVerified,
    rollbackTarget: ev.rollbackTarget,
    manualBlockers: ev.manualBlockers.map((b) => ({ id: b.id, text: b.text, owner: b.owner, due: b.due, ...(b.phase === undefined ? {} : { phase: b.phase }), overdue: b.overdue, seq: b.seq })),
    incidents: ev.openIncidents.map(incidentReport),
    closedIncidents: ev.closedIncidents.map(incidentReport),
    evidence: ev.evidence.map((e) => ({ party: e.party, kind: e.kind, result: e.result, target: { tag: e.target.tag, sha: e.target.sha }, stale: e.stale, summary: e.summary, seq: e.seq, at: e.at })),
    evidenceCount: ev.evidenceCount,
    reviews: ev.reviews.map(reviewReport),
    approvedPairs: ev.approvedPairs.map((p) => ({ tag: p.tag, sha: p.sha, contracts: { ...p.contracts }, repins: { ...p.repins }, seq: p.seq, at: p.at })),
    now: nowReport(nowOf(ev)),
  };
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const duration = (ms: number | null) => (ms === null ? null : formatDuration(ms));

function approvalsReport(approvals: Evaluation['decisions'][number]['approvals']): StatusReport['decisions'][number]['approvals'] {
  if (approvals === null) return null;
  return Object.fromEntries(
    Object.entries(approvals).map(([party, q]) => [
      party,
      {
        required: q.required,
        requiredDuty: q.requiredDuty,
        signed: q.counted.map((c) => ({ ...c })),
        notCounted: q.notCounted.map((n) => ({ ...n })),
        noGo: q.noGo.map((n) => ({ ...n })),
        mayStillSign: [...q.mayStillSign],
        missing: q.missing,
        met: q.holds,
      },
    ]),
  );
}

function windowTimeReport(w: WindowTime | null) {
  return {
    opens: w?.opens ?? null,
    closes: w?.closes ?? null,
    time: w?.state ?? null,
    freeze: w?.freeze ?? null,
    opensIn: duration(w?.opensInMs ?? null),
    opensInSeconds: seconds(w?.opensInMs ?? null),
    closesIn: duration(w?.closesInMs ?? null),
    closesInSeconds: seconds(w?.closesInMs ?? null),
  };
}

function reviewReport(r: ReviewDeadline): ReviewReport {
  return {
    phase: r.phase,
    every: r.every,
    since: r.since,
    lastReview: r.lastReview === null ? null : { seq: r.lastReview.seq, at: r.lastReview.at, by: r.lastReview.actor },
    due: r.due,
    status: r.status,
    overdueBy: duration(r.overdueByMs),
    overdueBySeconds: seconds(r.overdueByMs),
    margin: duration(r.marginMs),
    marginSeconds: seconds(r.marginMs),
  };
}

export function deadlineReport(d: Deadline): DeadlineReport {
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  return {
    id: d.id,
    title: d.title,
    within: d.within,
    after: d.after,
    step: d.step,
    startedAt: d.startedAt,
    due: d.due,
    status: d.status,
    doneAt: d.doneAt,
    overdueBy: d.overdueByMs === null ? null : formatDuration(d.overdueByMs),
    overdueBySeconds: seconds(d.overdueByMs),
    margin: d.marginMs === null ? null : formatDuration(d.marginMs),
    marginSeconds: seconds(d.marginMs),
  };
}

function incidentReport(i: IncidentView): IncidentReport {
  const ref = (t: { tag: string; sha: string } | null) => (t === null ? null : { tag: t.tag, sha: t.sha });
  const r = i.rolledBack;
  return {
    id: i.id,
    party: i.party,
    severity: i.severity,
    summary: i.summary,
    seq: i.seq,
    status: i.open ? 'open' : 'closed',
    trigger: i.trigger,
    triggerDescription: i.triggerDescription,
    minimumSeverity: i.minimumSeverity,
    action: i.action,
    declaredAt: i.at,
    declaredBy: i.actor,
    identifiedAt: i.identifiedAt,
    contractMode: i.contractMode,
    current: ref(i.current),
    rollbackTarget: ref(i.rollbackTarget),
    rolledBack: r === null ? null : { seq: r.seq, at: r.at, by: r.actor, from: ref(r.from)!, to: ref(r.to)!, phases: [...r.phases] },
    nextUpdate: i.nextUpdate,
    deadlines: i.deadlines.map(deadlineReport),
    missing: i.missing.map((m) => ({ what: m.what, command: m.command })),
    closedAt: i.closed?.at ?? null,
  };
}
