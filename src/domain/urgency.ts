/**
 * The words a list of programs is sorted and read by, defined once: what is overdue now, how urgent
 * a program is, and where it stands in its phases. `status`, the API, the overview and the program
 * page all use these, so a deadline can never be overdue on one screen and not on another.
 */
import type { Evaluation } from './evaluate.js';

/** A deadline past due and not met, at the time of the evaluation. */
export type OverdueNow =
  | { readonly kind: 'incident-deadline'; readonly incident: string; readonly deadline: string; readonly due: string; readonly overdueByMs: number }
  | { readonly kind: 'blocker'; readonly blocker: string; readonly due: string; readonly owner: string };

/**
 * Everything overdue now. A deadline met late is not: it was overdue, and is met (the program page
 * shows how late); one still open past its due time is, until it is met.
 */
export function overdueNow(ev: Evaluation): OverdueNow[] {
  return [
    ...ev.openIncidents.flatMap((i) =>
      i.deadlines
        .filter((d) => d.status === 'overdue' && d.doneAt === null && d.due !== null)
        .map((d) => ({ kind: 'incident-deadline' as const, incident: i.id, deadline: d.id, due: d.due!, overdueByMs: d.overdueByMs ?? 0 })),
    ),
    ...ev.manualBlockers.filter((b) => b.overdue).map((b) => ({ kind: 'blocker' as const, blocker: b.id, due: b.due, owner: b.owner })),
  ];
}

/** How urgent a program is, most urgent first. */
export type Urgency = 'overdue' | 'incident' | 'blocked' | 'calm';

export const URGENCY_ORDER: readonly Urgency[] = ['overdue', 'incident', 'blocked', 'calm'];

export function urgencyOf(ev: Evaluation): Urgency {
  if (overdueNow(ev).length > 0) return 'overdue';
  if (ev.openIncidents.length > 0) return 'incident';
  if (ev.decisions.some((d) => d.outcome === 'NO-GO' && d.state !== 'closed') && ev.blockers.length > 0) return 'blocked';
  return 'calm';
}

/** Most urgent first, then by program id. */
export function byUrgency(a: Evaluation, b: Evaluation): number {
  return URGENCY_ORDER.indexOf(urgencyOf(a)) - URGENCY_ORDER.indexOf(urgencyOf(b)) || a.program.id.localeCompare(b.program.id);
}

/** Where a program stands: its active phase, else the last one done and the next. */
export function currentPhase(ev: Evaluation): string {
  const active = ev.phases.find((p) => p.status === 'active');
  if (active !== undefined) return `Phase ${active.id} ${active.title}: active`;
  const done = [...ev.phases].reverse().find((p) => p.status === 'closed' || p.status === 'complete');
  const next = ev.nextPhase === null ? 'all phases done' : `next Phase ${ev.nextPhase}`;
  return done === undefined ? `not started; ${next}` : `Phase ${done.id} ${done.status}; ${next}`;
}
