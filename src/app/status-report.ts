/**
 * `cutover status --json`, version 1: a documented contract (schemas/status.schema.json).
 * Add fields freely; rename or remove only with a new version.
 */
import { decisionReason, pendingParties } from '../domain/decision-reason.js';
import { Type, type Static } from '@sinclair/typebox';
import type { Blocker as EvaluatedBlocker, Evaluation, IncidentView } from '../domain/evaluate.js';
import type { Deadline } from '../domain/incidents.js';
import type { ReviewDeadline, WindowTime } from '../domain/timing.js';
import { formatDuration } from '../program/duration.js';
import { Target } from '../program/schema.js';

export const STATUS_VERSION = 1;

const TargetRefOrNull = Type.Union([Type.Object({ tag: Type.String(), sha: Type.String() }), Type.Null()]);
const Verdict = Type.Object({
  verdict: Type.Union([Type.Literal('GO'), Type.Literal('NO-GO')]),
  role: Type.String(),
  at: Type.String(),
  seq: Type.Integer(),
  target: TargetRefOrNull,
  stale: Type.Boolean({ description: 'a GO cast for another target than the current one; it does not count' }),
  note: Type.Optional(Type.String()),
});
const Blocker = Type.Object({
  gate: Type.String(),
  kind: Type.String(),
  text: Type.String(),
  owner: Type.Object({ role: Type.String(), title: Type.String() }),
  details: Type.Array(Type.String()),
  missing: Type.Array(Type.String()),
  waitingOn: Type.Array(Type.String(), { description: 'party ids this blocker waits on' }),
  clear: Type.Array(Type.String(), { description: 'commands that would clear it' }),
});
const PublishedTarget = Type.Intersect([
  Target,
  Type.Object({
    seq: Type.Integer(),
    at: Type.String(),
    by: Type.String(),
    verified: Type.Boolean({ description: "the latest check against the producer's repository passed" }),
    annotated: Type.Union([Type.Boolean(), Type.Null()]),
    tagObject: Type.Union([Type.String(), Type.Null()]),
    checkedSeq: Type.Union([Type.Integer(), Type.Null()]),
    problems: Type.Array(Type.String()),
    rolledBack: Type.Union([Type.Object({ incident: Type.String(), seq: Type.Integer(), at: Type.String() }), Type.Null()], {
      description: 'the incident that rolled this target back; it no longer counts',
    }),
  }),
]);
const Evidence = Type.Object({
  party: Type.String(),
  kind: Type.String(),
  result: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
  target: Type.Object({ tag: Type.String(), sha: Type.String() }),
  stale: Type.Boolean({ description: 'recorded for another target than the current one: it counts for nothing now' }),
  summary: Type.String(),
  seq: Type.Integer(),
  at: Type.String(),
});
/** One deadline of an incident, evaluated at `evaluatedAt` (a closed incident: at its close). */
export const DeadlineReport = Type.Object({
  id: Type.String({ description: 'initial-notice, rollback-recommendation, repin-confirmation or joint-summary' }),
  title: Type.String(),
  within: Type.String({ description: 'the duration from the policy, e.g. 15m' }),
  after: Type.Union([Type.Literal('identified'), Type.Literal('rollback-executed')], { description: 'what the clock runs from' }),
  step: Type.String({ description: 'the cutover incident step that meets it' }),
  startedAt: Type.Union([Type.String(), Type.Null()], { description: 'null while waiting for the rollback' }),
  due: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('met'), Type.Literal('overdue'), Type.Literal('pending'), Type.Literal('waiting')], {
    description: 'met: done at or before due; overdue: done after due, or not done and past due; pending: not done, not yet past due; waiting: the clock has not started',
  }),
  doneAt: Type.Union([Type.String(), Type.Null()]),
  overdueBy: Type.Union([Type.String(), Type.Null()], { description: 'how late, e.g. 1h 5m' }),
  overdueBySeconds: Type.Union([Type.Number(), Type.Null()]),
  margin: Type.Union([Type.String(), Type.Null()], { description: 'met: how early; pending: how long is left' }),
  marginSeconds: Type.Union([Type.Number(), Type.Null()]),
});
const TargetRefView = Type.Object({ tag: Type.String(), sha: Type.String() });
const Incident = Type.Object({
  id: Type.String(),
  party: Type.String(),
  severity: Type.String(),
  summary: Type.String({ description: 'the impact summary' }),
  seq: Type.Integer({ description: 'where it was declared' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  trigger: Type.String(),
  triggerDescription: Type.Union([Type.String(), Type.Null()]),
  minimumSeverity: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  declaredAt: Type.String(),
  declaredBy: Type.String(),
  identifiedAt: Type.String(),
  contractMode: Type.String(),
  current: Type.Union([TargetRefView, Type.Null()], { description: 'the target in play when it was declared' }),
  rollbackTarget: Type.Union([TargetRefView, Type.Null()]),
  rolledBack: Type.Union([
    Type.Object({ seq: Type.Integer(), at: Type.String(), by: Type.String(), from: TargetRefView, to: TargetRefView, phases: Type.Array(Type.String()) }),
    Type.Null(),
  ]),
  nextUpdate: Type.Union([Type.String(), Type.Null()]),
  deadlines: Type.Array(DeadlineReport),
  missing: Type.Array(Type.Object({ what: Type.String(), command: Type.String() }), { description: 'what it still needs before it can close' }),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});
/** One party's approvals of a decision under its quorum rules (approvals, independent_of, require_duty, valid_for). */
const PartyApprovals = Type.Object({
  required: Type.Integer(),
  requiredDuty: Type.Union([Type.String(), Type.Null()]),
  signed: Type.Array(Type.Object({ role: Type.String(), at: Type.String(), seq: Type.Integer(), expiresAt: Type.Union([Type.String(), Type.Null()]) }), {
    description: 'the GOs that count',
  }),
  notCounted: Type.Array(
    Type.Object({
      role: Type.String(),
      at: Type.String(),
      seq: Type.Integer(),
      reason: Type.Union([Type.Literal('expired'), Type.Literal('stale'), Type.Literal('publisher'), Type.Literal('same-key')]),
      detail: Type.String(),
      expiredAt: Type.Union([Type.String(), Type.Null()]),
    }),
    { description: 'GOs that do not count, and why' },
  ),
  noGo: Type.Array(Type.Object({ role: Type.String(), at: Type.String(), seq: Type.Integer() }), { description: 'each holds the party at NO-GO until that role changes it' }),
  mayStillSign: Type.Array(Type.String()),
  missing: Type.Integer(),
  met: Type.Boolean(),
});
const Seconds = Type.Union([Type.Number(), Type.Null()]);
const Text = Type.Union([Type.String(), Type.Null()]);
const Review = Type.Object({
  phase: Type.String(),
  every: Type.String(),
  since: Type.String({ description: 'the phase start or the last review' }),
  lastReview: Type.Union([Type.Object({ seq: Type.Integer(), at: Type.String(), by: Type.String() }), Type.Null()]),
  due: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('overdue')]),
  overdueBy: Text,
  overdueBySeconds: Seconds,
  margin: Text,
  marginSeconds: Seconds,
});
const ApprovedPairView = Type.Object({
  tag: Type.String(),
  sha: Type.String(),
  contracts: Type.Record(Type.String(), Type.String()),
  repins: Type.Record(Type.String(), Type.String(), { description: 'consumer party id → repin commit' }),
  seq: Type.Integer({ description: '0: listed in cutover.yaml (compatibility.approved)' }),
  at: Type.String(),
});
const PhaseStatus = Type.Union([Type.Literal('not-started'), Type.Literal('active'), Type.Literal('closed'), Type.Literal('complete')]);

export const StatusReport = Type.Object(
  {
    version: Type.Literal(STATUS_VERSION),
    program: Type.Object({ id: Type.String(), title: Type.String() }),
    head: Type.Union([Type.String(), Type.Null()]),
    seq: Type.Integer(),
    at: Type.Union([Type.String(), Type.Null()], { description: 'time of the last event' }),
    evaluatedAt: Type.String({ description: 'the `now` the gates were evaluated at' }),
    definition: Type.Object({
      seq: Type.Integer(),
      digest: Type.Union([Type.String(), Type.Null()]),
      fileMatches: Type.Boolean({ description: 'false: cutover.yaml differs from the definition in force' }),
    }),
    decisions: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        outcome: Type.Union([Type.Literal('GO'), Type.Literal('NO-GO')]),
        verdicts: Type.Record(Type.String(), Type.Union([Verdict, Type.Null()]), { description: 'latest verdict by party id' }),
        blockers: Type.Array(Type.String(), { description: 'gate ids that keep this decision from GO' }),
        pending: Type.Array(Type.String(), { description: 'party ids with no verdict yet (their verdicts entry is null): pending, not a NO-GO vote' }),
        reason: Type.String({ description: 'why the outcome, e.g. "waiting for assistsupport; gates unmet: runtime-evidence"' }),
        approvals: Type.Optional(
          Type.Union([Type.Record(Type.String(), PartyApprovals), Type.Null()], { description: 'by party id, under the quorum rules; null when the decision sets none' }),
        ),
      }),
    ),
    phases: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        status: PhaseStatus,
        reason: Type.String(),
        canCompleteAt: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'an active phase with min_duration: the earliest completion' })),
      }),
    ),
    nextPhase: Type.Union([Type.String(), Type.Null()]),
    blockers: Type.Array(Blocker, { description: 'unmet gates before nextPhase can start' }),
    window: Type.Union([
      Type.Object({
        decision: Type.String(),
        status: Type.Union([Type.Literal('approved'), Type.Literal('not-approved')]),
        notes: Type.Record(Type.String(), Type.String()),
        opens: Type.Optional(Text),
        closes: Type.Optional(Text),
        time: Type.Optional(
          Type.Union([Type.Literal('always'), Type.Literal('not-yet-open'), Type.Literal('open'), Type.Literal('closed'), Type.Literal('frozen'), Type.Null()], {
            description: 'where the window stands in time at evaluatedAt; null when it sets no time',
          }),
        ),
        freeze: Type.Optional(Type.Union([Type.Object({ id: Type.String(), from: Type.String(), until: Type.String(), reason: Text }), Type.Null()])),
        opensIn: Type.Optional(Text),
        opensInSeconds: Type.Optional(Seconds),
        closesIn: Type.Optional(Text),
        closesInSeconds: Type.Optional(Seconds),
      }),
      Type.Null(),
    ]),
    target: Type.Union([PublishedTarget, Type.Null()]),
    baseline: Type.Union([Target, Type.Null()]),
    baselineVerified: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], {
        description: "whether the baseline's tag and commit were checked in the producer's git repository and the latest check held; null without a baseline",
      }),
    ),
    rollbackTarget: Type.Union([Target, Type.Null()]),
    manualBlockers: Type.Array(
      Type.Object({ id: Type.String(), text: Type.String(), owner: Type.String(), due: Type.String(), phase: Type.Optional(Type.String()), overdue: Type.Boolean(), seq: Type.Integer() }),
    ),
    incidents: Type.Array(Incident, { description: 'the open incidents, with their deadlines' }),
    closedIncidents: Type.Array(Incident, { description: 'the closed incidents, with their deadlines as they stood at the close' }),
    evidence: Type.Array(Evidence, { description: 'the latest evidence of each party and kind, per target' }),
    evidenceCount: Type.Integer(),
    reviews: Type.Optional(Type.Array(Review, { description: 'the reviews active phases owe (review_every)' })),
    approvedPairs: Type.Optional(Type.Array(ApprovedPairView, { description: 'the compatibility matrix: approved producer/consumer pairs' })),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/status.schema.json', title: 'cutover status --json (version 1)' },
);

export type StatusReport = Static<typeof StatusReport>;

export type BlockerView = Static<typeof Blocker>;

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
  };
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
const duration = (ms: number | null) => (ms === null ? null : formatDuration(ms));

function approvalsReport(approvals: Evaluation['decisions'][number]['approvals']): Static<typeof StatusReport>['decisions'][number]['approvals'] {
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

function reviewReport(r: ReviewDeadline): Static<typeof Review> {
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

export type DeadlineReport = Static<typeof DeadlineReport>;

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

function incidentReport(i: IncidentView): Static<typeof Incident> {
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
