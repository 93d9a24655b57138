/**
 * The incident and rollback protocol, evaluated: the deadlines an incident is held to and where
 * each stands at a given time, and what an incident still needs before it can close. Pure.
 *
 * The deadline rule: a deadline due at `t` is met by a step recorded at `t` or earlier. Without
 * the step it is pending up to and including `t`, and overdue from the first instant after `t`
 * (by `now − t`); a step recorded after `t` leaves it overdue for good (by `step − t`).
 */
import type { MissingStep } from '../errors.js';
import { durationMs } from '../program/duration.js';
import type { DeadlineName, DutyName, IncidentActionName, ProgramDefinition, SeverityName, TriggerDefinition } from '../program/schema.js';
import type { TargetRef } from './events.js';
import { describeTarget, evidenceKey, type EvidenceRecord, type Incident, type ProgramState } from './state.js';

const SEVERITY_RANK: Record<SeverityName, number> = { 'SEV-1': 1, 'SEV-2': 2, 'SEV-3': 3 };

/** Is `severity` at or above `threshold`? SEV-1 is the highest. */
export function atOrAbove(severity: SeverityName, threshold: SeverityName): boolean {
  return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold];
}

/** Does the action call for a rollback to the rollback target? */
export function rollsBack(action: IncidentActionName): boolean {
  return action === 'rollback' || action === 'rollback-and-bridge';
}

export function triggerOf(def: ProgramDefinition, id: string): TriggerDefinition | undefined {
  return def.incidents?.triggers.find((t) => t.id === id);
}

/** What the required action asks for, in words, for the notice. */
export function actionText(action: IncidentActionName, rollbackTarget: TargetRef | null): string {
  const to = rollbackTarget === null ? 'the rollback target' : `the rollback target ${describeTarget(rollbackTarget)}`;
  switch (action) {
    case 'rollback':
      return `Immediate rollback to ${to}`;
    case 'rollback-and-bridge':
      return `Immediate rollback to ${to}, and a joint incident bridge`;
    case 'freeze':
      return 'Freeze promotion; remediate; re-verify';
    case 'no-go':
      return 'NO-GO until the missing evidence is complete';
  }
}

export type DeadlineId = 'initial-notice' | 'rollback-recommendation' | 'repin-confirmation' | 'joint-summary';
export type DeadlineStatus = 'met' | 'overdue' | 'pending' | 'waiting';

interface DeadlineRule {
  readonly id: DeadlineId;
  readonly key: DeadlineName;
  readonly title: string;
  /** What the clock runs from. */
  readonly after: 'identified' | 'rollback-executed';
  /** The step that meets it. */
  readonly step: string;
}

const DEADLINE_RULES: readonly DeadlineRule[] = [
  { id: 'initial-notice', key: 'initial_notice', title: 'initial notice', after: 'identified', step: 'notify' },
  { id: 'rollback-recommendation', key: 'rollback_recommendation', title: 'producer rollback recommendation', after: 'identified', step: 'recommend-rollback' },
  { id: 'repin-confirmation', key: 'repin_confirmation', title: 'consumer repin confirmation', after: 'rollback-executed', step: 'confirm-repin' },
  { id: 'joint-summary', key: 'joint_summary', title: 'joint incident summary', after: 'identified', step: 'summary + approve' },
];

export interface Deadline {
  readonly id: DeadlineId;
  readonly title: string;
  /** The duration from the policy in force when the incident was declared, e.g. `15m`. */
  readonly within: string;
  readonly after: DeadlineRule['after'];
  /** The `cutover incident` step that meets it. */
  readonly step: string;
  /** When the clock started; null while it waits for the rollback. */
  readonly startedAt: string | null;
  readonly due: string | null;
  readonly status: DeadlineStatus;
  /** When the step that meets it was recorded (on time or late). */
  readonly doneAt: string | null;
  /** How late: the step's time (or the evaluation time, while it is not done) minus the due time. */
  readonly overdueByMs: number | null;
  /** How early a met deadline was met, or how long a pending one has left. */
  readonly marginMs: number | null;
}

function consumersOf(def: ProgramDefinition): string[] {
  return def.parties.filter((p) => p.kind === 'consumer').map((p) => p.id);
}

/** When every consumer had confirmed its repin (null until they all have). */
function repinsDoneAt(incident: Incident, def: ProgramDefinition): string | null {
  const times = consumersOf(def).map((c) => incident.repins[c]?.at ?? null);
  if (times.length === 0 || times.some((t) => t === null)) return null;
  return (times as string[]).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/**
 * The deadlines an incident is held to, evaluated at `now` (a closed incident: at its close).
 * The rollback recommendation applies to triggers whose action is a rollback; the repin
 * confirmation too, and to any incident whose rollback was executed.
 */
export function deadlinesOf(incident: Incident, def: ProgramDefinition, now: Date): Deadline[] {
  const at = incident.closed === null ? now.getTime() : Math.min(now.getTime(), Date.parse(incident.closed.at));
  const rollback = rollsBack(incident.action);
  const deadlines: Deadline[] = [];
  for (const rule of DEADLINE_RULES) {
    if (rule.id === 'rollback-recommendation' && !rollback) continue;
    if (rule.id === 'repin-confirmation' && !rollback && incident.rolledBack === null) continue;
    const startedAt = rule.after === 'identified' ? incident.identifiedAt : (incident.rolledBack?.at ?? null);
    const doneAt =
      rule.id === 'initial-notice'
        ? (incident.notified?.at ?? null)
        : rule.id === 'rollback-recommendation'
          ? (incident.recommended?.at ?? null)
          : rule.id === 'repin-confirmation'
            ? repinsDoneAt(incident, def)
            : incident.summaryApprovedAt;
    const within = incident.deadlinePolicy[rule.key];
    const base = { id: rule.id, title: rule.title, within, after: rule.after, step: rule.step, startedAt };
    if (startedAt === null) {
      deadlines.push({ ...base, due: null, status: 'waiting', doneAt: null, overdueByMs: null, marginMs: null });
      continue;
    }
    const due = Date.parse(startedAt) + durationMs(within);
    const dueText = new Date(due).toISOString();
    if (doneAt !== null) {
      const done = Date.parse(doneAt);
      deadlines.push(
        done <= due
          ? { ...base, due: dueText, status: 'met', doneAt, overdueByMs: null, marginMs: due - done }
          : { ...base, due: dueText, status: 'overdue', doneAt, overdueByMs: done - due, marginMs: null },
      );
    } else if (at > due) {
      deadlines.push({ ...base, due: dueText, status: 'overdue', doneAt: null, overdueByMs: at - due, marginMs: null });
    } else {
      deadlines.push({ ...base, due: dueText, status: 'pending', doneAt: null, overdueByMs: null, marginMs: due - at });
    }
  }
  return deadlines;
}

/** The roles a definition (or an evaluation of it) holds. */
export interface RolesOf {
  readonly roles: readonly { readonly id: string; readonly party: string; readonly duties: readonly DutyName[] }[];
}

/** The first role of `party` holding the first of `duties` it has. */
export function roleOf(def: RolesOf, party: string, ...duties: DutyName[]): string {
  for (const duty of duties) {
    const role = def.roles.find((r) => r.party === party && r.duties.includes(duty));
    if (role !== undefined) return role.id;
  }
  return `<${duties[0] ?? 'a'} role of ${party}>`;
}

const RUN_KINDS = ['verification-run', 'rollback-execution'] as const;

/**
 * The run that proves a party's side of the restored baseline: its latest verification run or
 * rollback execution evidence for the rollback target (the latest wins), passing, and recorded
 * after the rollback. Returns the record, or why there is none.
 */
export function restoredRun(state: ProgramState, party: string, target: TargetRef, afterSeq: number): { readonly run: EvidenceRecord } | { readonly problem: string } {
  const latest = RUN_KINDS.map((kind) => state.evidence[evidenceKey(party, kind, target)])
    .filter((e): e is EvidenceRecord => e !== undefined)
    .sort((a, b) => b.seq - a.seq)[0];
  if (latest === undefined || latest.seq <= afterSeq) return { problem: 'none recorded since the rollback' };
  if (latest.result !== 'pass') return { problem: `the latest (seq ${latest.seq}, ${latest.kind}) FAILED: ${latest.summary}` };
  return { run: latest };
}

/** The accepted repin of a consumer against the rollback target, recorded after the rollback, or null. */
export function repinSince(state: ProgramState, party: string, target: TargetRef, afterSeq: number): EvidenceRecord | null {
  const repin = state.evidence[evidenceKey(party, 'repin', target)];
  return repin !== undefined && repin.result === 'pass' && repin.seq > afterSeq ? repin : null;
}

/**
 * What an open incident still needs before it can close, in protocol order, each with the
 * command that records it: the notice; for a rollback, the producer's recommendation, the
 * execution, every consumer's repin confirmation and, from every party, a passing run against the
 * restored baseline recorded after the rollback; the joint summary with its residual risk; and
 * every party's owner approval of that summary.
 */
export function closeChecklist(state: ProgramState, def: ProgramDefinition, incident: Incident): MissingStep[] {
  const missing: MissingStep[] = [];
  const id = incident.id;
  const ic = roleOf(def, incident.party, 'incident-commander', 'rollback-owner');
  const producer = def.parties.find((p) => p.kind === 'producer')?.id ?? incident.party;
  if (incident.notified === null) missing.push({ what: 'the initial notice', command: `cutover incident notify ${id} --as ${ic}` });
  const rollback = rollsBack(incident.action);
  if (rollback && incident.recommended === null && incident.rolledBack === null) {
    missing.push({ what: "the producer's rollback recommendation", command: `cutover incident recommend-rollback ${id} --as ${roleOf(def, producer, 'incident-commander', 'rollback-owner')}` });
  }
  if (rollback && incident.rolledBack === null) {
    missing.push({ what: 'the rollback to the rollback target, executed', command: `cutover incident rollback-executed ${id} --as ${roleOf(def, producer, 'rollback-owner', 'incident-commander')}` });
  }
  const rolledBack = incident.rolledBack;
  if (rolledBack !== null) {
    const to = describeTarget(rolledBack.to);
    for (const party of def.parties.filter((p) => p.kind === 'consumer')) {
      if (incident.repins[party.id] !== undefined) continue;
      const role = roleOf(def, party.id, 'rollback-owner', 'incident-commander');
      const repin = repinSince(state, party.id, rolledBack.to, rolledBack.seq);
      missing.push({
        what: `${party.name}: repin confirmation against the rollback target ${to}${repin === null ? ' (no accepted repin to it since the rollback)' : ''}`,
        command:
          repin === null
            ? `cutover evidence repin --party ${party.id} --repo <consumer repo> --commit <repin commit> --as ${role} && cutover incident confirm-repin ${id} --as ${role}`
            : `cutover incident confirm-repin ${id} --as ${role}`,
      });
    }
    for (const party of def.parties) {
      const found = restoredRun(state, party.id, rolledBack.to, rolledBack.seq);
      if ('run' in found) continue;
      const proves = party.kind === 'producer' ? `the restored baseline ${to}` : `restored compatibility with ${to}`;
      missing.push({
        what: `${party.name}: a passing run proving ${proves} (verification-run or rollback-execution evidence after the rollback at seq ${rolledBack.seq}): ${found.problem}`,
        command: `cutover evidence run --party ${party.id} --cwd <${party.repo} at ${rolledBack.to.tag}> --as ${roleOf(def, party.id, 'rollback-owner', 'automation', 'approver')}`,
      });
    }
  }
  const summary = incident.jointSummary;
  if (summary === null) {
    missing.push({ what: 'the joint incident summary with its residual-risk statement', command: `cutover incident summary ${id} --summary "…" --residual-risk "…" --as ${ic}` });
  }
  for (const party of def.parties) {
    const approval = incident.approvals[party.id];
    if (summary !== null && approval?.summary === summary.seq) continue;
    const stale = summary !== null && approval !== undefined ? ` (its approval at seq ${approval.seq} is of an earlier summary)` : '';
    missing.push({
      what: `${party.name}: owner approval of the ${summary === null ? 'summary' : `summary (seq ${summary.seq})`}${stale}`,
      command: `cutover incident approve ${id} --as ${roleOf(def, party.id, 'rollback-owner')}`,
    });
  }
  return missing;
}

export interface TimelineEntry {
  readonly seq: number;
  readonly at: string;
  readonly role: string;
  readonly party: string;
  readonly step: 'declared' | 'notified' | 'rollback-recommended' | 'rollback-executed' | 'repin-confirmed' | 'updated' | 'summarized' | 'approved' | 'closed';
  readonly text: string;
}

/** The steps recorded on an incident, in ledger order (for each party, its latest approval). */
export function timelineOf(incident: Incident): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const add = (s: { seq: number; at: string; actor: string; party: string }, step: TimelineEntry['step'], text: string) =>
    entries.push({ seq: s.seq, at: s.at, role: s.actor, party: s.party, step, text });
  add(incident, 'declared', `declared ${incident.severity} (trigger ${incident.trigger}, identified ${incident.identifiedAt})`);
  if (incident.notified !== null) add(incident.notified, 'notified', 'initial notice sent');
  if (incident.recommended !== null) add(incident.recommended, 'rollback-recommended', `rollback recommended: ${describeTarget(incident.recommended.from)} → ${describeTarget(incident.recommended.to)}`);
  const r = incident.rolledBack;
  if (r !== null) add(r, 'rollback-executed', `rollback executed: ${describeTarget(r.from)} → ${describeTarget(r.to)}${r.phases.length === 0 ? '' : `; Phase ${r.phases.join(', ')} moved back`}`);
  for (const repin of Object.values(incident.repins)) add(repin, 'repin-confirmed', `repin to ${describeTarget(repin.target)} confirmed (evidence seq ${repin.evidence})`);
  for (const u of incident.updates) add(u, 'updated', `${u.severity === undefined ? '' : `severity ${u.severity}; `}${u.note}`);
  if (incident.jointSummary !== null) add(incident.jointSummary, 'summarized', 'joint summary recorded, with its residual risk');
  for (const a of Object.values(incident.approvals)) add(a, 'approved', `summary (seq ${a.summary}) approved`);
  if (incident.closed !== null) add(incident.closed, 'closed', 'closed');
  return entries.sort((a, b) => a.seq - b.seq);
}
