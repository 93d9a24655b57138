/**
 * The schema of `cutover status --json`, version 1 (schemas/status.schema.json), and the types it
 * gives. Kept apart from status-report.ts so that `status` does not build it (or load TypeBox) to
 * print a report: only scripts/write-schemas.js and the types need it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Target } from '../program/schema.js';
import { STATUS_VERSION } from './status-report.js';

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

const Owed = Type.Object(
  { party: Type.String({ description: 'a party id' }), role: Type.Union([Type.String(), Type.Null()], { description: 'the role of that party that should act, when one is named' }) },
  { additionalProperties: false },
);
const Commands = Type.Array(Type.String(), { description: 'the commands that meet it' });
const Headline = Type.String({ description: 'the item in words, as status prints it: "INC-1 initial notice: overdue by 5m"' });
const NowDeadline = Type.Object(
  {
    kind: Type.Literal('deadline'),
    key: Type.String({ description: 'the same deadline has the same key at every evaluation' }),
    headline: Headline,
    deadline: Type.Union([Type.Literal('incident-deadline'), Type.Literal('incident-update'), Type.Literal('review'), Type.Literal('blocker-due'), Type.Literal('window-closes')]),
    what: Type.String({ description: 'what is due: "INC-1 initial notice"' }),
    due: Type.String(),
    state: Type.Union([Type.Literal('overdue'), Type.Literal('due-soon')], { description: 'due-soon: within the hour' }),
    overdueBy: Text,
    overdueBySeconds: Seconds,
    dueIn: Text,
    dueInSeconds: Seconds,
    owedBy: Type.Array(Owed, { description: 'the parties, and roles, that owe it' }),
    commands: Commands,
    incident: Text,
    blocker: Text,
    phase: Text,
  },
  { additionalProperties: false },
);
const NowIncident = Type.Object(
  {
    kind: Type.Literal('incident'),
    key: Type.String(),
    headline: Headline,
    incident: Type.String(),
    severity: Type.String(),
    summary: Type.String(),
    party: Type.String(),
    commander: Owed,
    commands: Type.Array(Type.String(), { description: 'what it still needs before it can close, in protocol order' }),
  },
  { additionalProperties: false },
);
const NowBlocker = Type.Object(
  {
    kind: Type.Literal('blocker'),
    key: Type.String(),
    headline: Headline,
    blocker: Type.String({ description: "the gate id, or the manual blocker's id" }),
    manual: Type.Boolean(),
    what: Type.String(),
    details: Type.Array(Type.String()),
    owner: Owed,
    waitingOn: Type.Array(Owed, { description: "the parties it waits on: those the gate names, else the owner's party" }),
    due: Text,
    commands: Commands,
  },
  { additionalProperties: false },
);
export const NowItemReport = Type.Union([NowDeadline, NowIncident, NowBlocker]);
export const NowReport = Type.Object(
  {
    at: Type.String({ description: 'the evaluation time the list holds at' }),
    items: Type.Array(NowItemReport, { description: 'most urgent first: deadlines overdue or due within the hour (the one due earliest first), then open incidents, then blockers' }),
    whoseMove: Type.Array(Type.Object({ party: Type.String(), roles: Type.Array(Type.String()) }, { additionalProperties: false }), {
      description: 'the parties that must act next, each with the roles named, in the order of the items',
    }),
    nextChangeAt: Type.Union([Type.String(), Type.Null()], { description: 'the first instant the list changes with time alone, or null' }),
  },
  { additionalProperties: false, description: 'what must happen next, most urgent first, and whose move it is (src/domain/now.ts): the list the program page shows first' },
);
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
        state: Type.Optional(
          Type.Union([Type.Literal('pending'), Type.Literal('decided'), Type.Literal('closed')], {
            description:
              'pending: a party still owes its verdict and none said NO-GO (outcome is NO-GO, but no one voted it); decided: every party has spoken, or one said NO-GO; closed: the phase of closesAfterPhase is closed or complete, and outcome is its last',
          }),
        ),
        label: Type.Optional(Type.String({ description: 'the decision in words, as status and records show it: GO, NO-GO, pending, closed (GO), closed (NO-GO), closed (pending)' })),
        closesAfterPhase: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'closes_after_phase of cutover.yaml, or null' })),
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
    currentPhase: Type.String({ description: 'where the program stands: its active phase, else the last one done and the next (src/domain/urgency.ts)' }),
    urgency: Type.Union([Type.Literal('overdue'), Type.Literal('incident'), Type.Literal('blocked'), Type.Literal('calm')], {
      description: 'how urgent the program is, as the overview sorts it: a deadline overdue now (not met), an open incident, a NO-GO with blockers, or nothing pressing',
    }),
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
    now: Type.Optional(NowReport),
  },
  { additionalProperties: false, $id: 'https://cutover.dev/schemas/status.schema.json', title: 'cutover status --json (version 1)' },
);

export type StatusReport = Static<typeof StatusReport>;
export type BlockerView = Static<typeof Blocker>;
export type DeadlineReport = Static<typeof DeadlineReport>;
export type ReviewReport = Static<typeof Review>;
export type IncidentReport = Static<typeof Incident>;
export type NowReport = Static<typeof NowReport>;
export type NowItemReport = Static<typeof NowItemReport>;
