/**
 * What a program tells the places teams watch, derived from the ledger and the clock. Pure: the
 * evaluations and the time come in. Two sources:
 * - a line: what it changed (a phase started or completed, a verdict cast, an incident reported or
 *   resolved, a rollback executed, a decision's outcome, a blocker appeared or cleared), judged by
 *   evaluating the state before and after it at the line's own time, so only the line moves it;
 * - time alone: a deadline of the "now" list (`now.ts`) becoming due soon, being overdue (once,
 *   then every `repeatOverdueMs`), the cutover window about to open or to close.
 * Every notification has an id that depends only on what caused it (the line's seq, or the deadline
 * and the instant it crossed), so a retry, a second replica or a restart sends the same id.
 */
import type { LedgerEvent } from './events.js';
import type { Evaluation } from './evaluate.js';
import { DUE_SOON_MS, nowOf, type NowBlocker, type NowDeadline, type Owed } from './now.js';

/** CloudEvents types: CDEvents' where one exists (with its version suffix), Cutover's own for the rest. */
export const NOTIFICATION_TYPES = {
  serviceUpgraded: 'dev.cdevents.service.upgraded.0.3.0',
  serviceRolledBack: 'dev.cdevents.service.rolledback.0.3.0',
  incidentReported: 'dev.cdevents.incident.reported.0.3.0',
  incidentResolved: 'dev.cdevents.incident.resolved.0.3.0',
  outcomeChanged: 'dev.cutover.decision.outcome-changed.v1',
  blockerAppeared: 'dev.cutover.blocker.appeared.v1',
  blockerCleared: 'dev.cutover.blocker.cleared.v1',
  phaseStarted: 'dev.cutover.phase.started.v1',
  phaseCompleted: 'dev.cutover.phase.completed.v1',
  verdictCast: 'dev.cutover.verdict.cast.v1',
  deadlineDueSoon: 'dev.cutover.deadline.due-soon.v1',
  deadlineOverdue: 'dev.cutover.deadline.overdue.v1',
  windowOpening: 'dev.cutover.window.opening.v1',
  windowClosing: 'dev.cutover.window.closing.v1',
} as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[keyof typeof NOTIFICATION_TYPES];
export const ALL_NOTIFICATION_TYPES: readonly NotificationType[] = Object.values(NOTIFICATION_TYPES);

/** How soon before the cutover window opens it is "about to open" (the same lead as a deadline due soon). */
export const WINDOW_OPENING_MS = DUE_SOON_MS;

/** By default an overdue deadline is announced again every hour until it is met. */
export const DEFAULT_OVERDUE_REPEAT_MS = 60 * 60_000;

export interface Notification {
  /** The same cause gives the same id, everywhere and every time. */
  readonly id: string;
  readonly type: NotificationType;
  readonly program: string;
  /** What it is about: a phase, decision, gate, incident or deadline key. */
  readonly subject: string;
  /** When it happened: the line's time, or the instant the deadline crossed. */
  readonly time: string;
  /** The line that caused it; null for time-driven ones. */
  readonly seq: number | null;
  /** What happened, in one sentence. */
  readonly summary: string;
  /** Who must act now, if anyone. */
  readonly owedBy: readonly Owed[];
  /** The commands that would clear it, or the next step. */
  readonly commands: readonly string[];
  /** Set for incident notifications: PagerDuty keys its alerts by the incident id. */
  readonly incident: { readonly id: string; readonly severity: string; readonly open: boolean } | null;
  /** Set for a promotion (service upgraded or rolled back): the release it moved to. */
  readonly release: { readonly tag: string; readonly sha: string } | null;
}

type Draft = Omit<Notification, 'id' | 'program' | 'time' | 'seq' | 'owedBy' | 'commands' | 'incident' | 'release'> & Partial<Pick<Notification, 'owedBy' | 'commands' | 'incident' | 'release'>>;

/**
 * What `event` changed. `before` and `after` are the evaluations of the state before and after it,
 * both at `event.at`; `before` is null for the line that defines the program (nothing changed yet).
 */
export function lineNotifications(event: LedgerEvent, before: Evaluation | null, after: Evaluation): Notification[] {
  if (before === null) return [];
  const drafts: Draft[] = [...ofTheLine(event, before, after), ...outcomeChanges(before, after), ...blockerChanges(before, after), ...deadlinesListed(before, after)];
  return drafts.map((d) => ({
    owedBy: [],
    commands: [],
    incident: null,
    release: null,
    ...d,
    id: `${event.program}/${event.seq}/${d.type}/${d.subject}`,
    program: event.program,
    time: event.at,
    seq: event.seq,
  }));
}

function ofTheLine(event: LedgerEvent, before: Evaluation, after: Evaluation): Draft[] {
  switch (event.type) {
    case 'phase.started':
      return [{ type: NOTIFICATION_TYPES.phaseStarted, subject: `phase:${event.data.phase}`, summary: `Phase ${event.data.phase} (${phaseTitle(after, event.data.phase)}) started` }];
    case 'phase.completed': {
      const phase = event.data.phase;
      const drafts: Draft[] = [{ type: NOTIFICATION_TYPES.phaseCompleted, subject: `phase:${phase}`, summary: `Phase ${phase} (${phaseTitle(after, phase)}) completed` }];
      // A promoting phase completing made the published target the baseline: the service was upgraded.
      if (before.baseline?.sha !== after.baseline?.sha && after.baseline !== null) {
        drafts.push({
          type: NOTIFICATION_TYPES.serviceUpgraded,
          subject: `phase:${phase}`,
          summary: `${after.program.id} promoted ${after.baseline.tag} (${after.baseline.sha.slice(0, 12)}) as Phase ${phase} completed`,
          release: { tag: after.baseline.tag, sha: after.baseline.sha },
        });
      }
      return drafts;
    }
    case 'verdict.cast':
      return [
        {
          type: NOTIFICATION_TYPES.verdictCast,
          subject: `decision:${event.data.decision}`,
          summary: `${event.data.party} cast ${event.data.verdict} on ${event.data.decision}${event.data.note === undefined ? '' : `: ${event.data.note}`}`,
        },
      ];
    case 'incident.declared': {
      const view = after.openIncidents.find((i) => i.id === event.data.id);
      const now = nowOf(after).items.find((i) => i.kind === 'incident' && i.incident === event.data.id);
      return [
        {
          type: NOTIFICATION_TYPES.incidentReported,
          subject: `incident:${event.data.id}`,
          summary: `${event.data.severity} ${event.data.id} reported by ${event.data.party}: ${event.data.summary}`,
          owedBy: now?.kind === 'incident' ? [now.commander] : [],
          commands: view?.missing.map((m) => m.command) ?? [],
          incident: { id: event.data.id, severity: event.data.severity, open: true },
        },
      ];
    }
    case 'incident.closed': {
      const view = after.closedIncidents.find((i) => i.id === event.data.id);
      return [
        {
          type: NOTIFICATION_TYPES.incidentResolved,
          subject: `incident:${event.data.id}`,
          summary: `${event.data.id} resolved${view === undefined ? '' : `: ${view.summary}`}`,
          incident: { id: event.data.id, severity: view?.severity ?? 'unknown', open: false },
        },
      ];
    }
    case 'incident.rollback-executed':
      return [
        {
          type: NOTIFICATION_TYPES.serviceRolledBack,
          subject: `incident:${event.data.id}`,
          summary: `${event.data.party} rolled back to ${event.data.to.tag} (${event.data.to.sha.slice(0, 12)}) for ${event.data.id}`,
          release: { tag: event.data.to.tag, sha: event.data.to.sha },
        },
      ];
    default:
      return [];
  }
}

function outcomeChanges(before: Evaluation, after: Evaluation): Draft[] {
  return after.decisions.flatMap((d): Draft[] => {
    const was = before.decisions.find((b) => b.id === d.id);
    if (was === undefined || was.outcome === d.outcome) return [];
    return [
      {
        type: NOTIFICATION_TYPES.outcomeChanged,
        subject: `decision:${d.id}`,
        summary: `${d.title}: ${was.outcome} → ${d.outcome}`,
        commands: d.blockers.flatMap((b) => b.clear),
      },
    ];
  });
}

/** The blockers of the "now" list (gates, and manual blockers one by one), compared by key. */
function blockerChanges(before: Evaluation, after: Evaluation): Draft[] {
  const blockers = (ev: Evaluation) => nowOf(ev).items.filter((i): i is NowBlocker => i.kind === 'blocker');
  const was = blockers(before);
  const is = blockers(after);
  const appeared = is.filter((b) => !was.some((w) => w.key === b.key));
  const cleared = was.filter((w) => !is.some((b) => b.key === w.key));
  return [
    ...appeared.map((b): Draft => ({ type: NOTIFICATION_TYPES.blockerAppeared, subject: b.key, summary: `blocker: ${b.what}`, owedBy: b.waitingOn, commands: b.commands })),
    ...cleared.map((b): Draft => ({ type: NOTIFICATION_TYPES.blockerCleared, subject: b.key, summary: `cleared: ${b.what}` })),
  ];
}

/** A deadline the line put on the list already due soon (an incident's 15-minute notice): time will not cross into it. */
function deadlinesListed(before: Evaluation, after: Evaluation): Draft[] {
  const deadlines = (ev: Evaluation) => nowOf(ev).items.filter((i): i is NowDeadline => i.kind === 'deadline');
  const was = deadlines(before);
  return deadlines(after)
    .filter((d) => !was.some((w) => w.key === d.key))
    .map((d): Draft => ({
      type: d.state === 'overdue' ? NOTIFICATION_TYPES.deadlineOverdue : d.deadline === 'window-closes' ? NOTIFICATION_TYPES.windowClosing : NOTIFICATION_TYPES.deadlineDueSoon,
      subject: d.key,
      summary: `${d.state === 'overdue' ? 'overdue' : 'due soon'}: ${d.what} (due ${d.due})`,
      owedBy: d.owedBy,
      commands: d.commands,
    }));
}

function phaseTitle(ev: Evaluation, phase: string): string {
  return ev.phases.find((p) => p.id === phase)?.title ?? phase;
}

/**
 * What time alone made true in (`from`, `to`]: `at` is the evaluation at `to`. A deadline still
 * outstanding at `to` is announced due soon when it crossed into due-soon in the interval (and is not
 * overdue yet), and overdue at its due time and every `repeatOverdueMs` after, each crossing once.
 * The window is announced about to open `WINDOW_OPENING_MS` before it opens, and about to close when
 * its closing became due soon.
 */
export function timeNotifications(at: Evaluation, from: number, repeatOverdueMs: number = DEFAULT_OVERDUE_REPEAT_MS): Notification[] {
  const to = Date.parse(at.evaluatedAt);
  if (!(to > from)) return [];
  const within = (mark: number) => mark > from && mark <= to;
  const program = at.program.id;
  const found: Notification[] = [];
  for (const item of nowOf(at).items) {
    if (item.kind !== 'deadline') continue;
    const due = Date.parse(item.due);
    if (item.state === 'due-soon') {
      const mark = due - DUE_SOON_MS;
      if (within(mark)) found.push(deadlineNotification(program, item, item.deadline === 'window-closes' ? NOTIFICATION_TYPES.windowClosing : NOTIFICATION_TYPES.deadlineDueSoon, mark, 0));
      continue;
    }
    // Overdue from the first instant after the due time; then again each repeat. Only the latest crossing in the interval is sent.
    const first = due + 1;
    if (to < first) continue;
    const repeat = Math.max(1, repeatOverdueMs);
    const latest = Math.floor((to - first) / repeat);
    const mark = first + latest * repeat;
    if (within(mark)) found.push(deadlineNotification(program, item, NOTIFICATION_TYPES.deadlineOverdue, mark, latest));
  }
  const opening = windowOpening(at);
  if (opening !== null && within(opening.mark)) found.push(opening.notification);
  return found;
}

function deadlineNotification(program: string, item: NowDeadline, type: NotificationType, mark: number, repeat: number): Notification {
  const late = type === NOTIFICATION_TYPES.deadlineOverdue;
  return {
    id: `${program}/time/${type}/${item.key}/${item.due}/${repeat}`,
    type,
    program,
    subject: item.key,
    time: new Date(mark).toISOString(),
    seq: null,
    summary: late ? `overdue: ${item.what} (due ${item.due})` : type === NOTIFICATION_TYPES.windowClosing ? `about to close: ${item.what} (at ${item.due})` : `due soon: ${item.what} (due ${item.due})`,
    owedBy: item.owedBy,
    commands: item.commands,
    incident: null,
    release: null,
  };
}

/** The cutover window about to open: while it has not opened and the phase it gates has not started. */
function windowOpening(at: Evaluation): { mark: number; notification: Notification } | null {
  const opens = at.window?.time?.opens ?? null;
  if (opens === null || at.window?.time?.state !== 'not-yet-open') return null;
  const phase = at.phases.find((p) => p.decision === at.window!.decision);
  if (phase === undefined || phase.status !== 'not-started') return null;
  const mark = Date.parse(opens) - WINDOW_OPENING_MS;
  const program = at.program.id;
  return {
    mark,
    notification: {
      id: `${program}/time/${NOTIFICATION_TYPES.windowOpening}/window:opens/${opens}/0`,
      type: NOTIFICATION_TYPES.windowOpening,
      program,
      subject: 'window:opens',
      time: new Date(mark).toISOString(),
      seq: null,
      summary: `the cutover window for Phase ${phase.id} opens at ${opens}${at.window!.approved ? '' : ' (not approved yet)'}`,
      owedBy: [],
      commands: [],
      incident: null,
      release: null,
    },
  };
}

/**
 * The first instant after `at.evaluatedAt` at which `timeNotifications` could find something new:
 * when the "now" list changes, the window's opening lead, or the next overdue repeat. Null: never
 * with time alone.
 */
export function nextNotificationAt(at: Evaluation, repeatOverdueMs: number = DEFAULT_OVERDUE_REPEAT_MS): number | null {
  const t = Date.parse(at.evaluatedAt);
  const list = nowOf(at);
  const marks: number[] = [];
  if (list.nextChangeAt !== null) marks.push(Date.parse(list.nextChangeAt));
  for (const item of list.items) {
    if (item.kind !== 'deadline' || item.state !== 'overdue') continue;
    const first = Date.parse(item.due) + 1;
    const repeat = Math.max(1, repeatOverdueMs);
    marks.push(t < first ? first : first + (Math.floor((t - first) / repeat) + 1) * repeat);
  }
  const opens = at.window?.time?.opens ?? null;
  if (opens !== null) marks.push(Date.parse(opens) - WINDOW_OPENING_MS);
  const future = marks.filter((m) => m > t);
  return future.length === 0 ? null : Math.min(...future);
}
