/**
 * The program's rules in time: the cutover window (opens, closes, freezes), a phase's minimum
 * duration, the baseline's minimum age, scheduled reviews and notice periods. Pure: `now` comes in.
 *
 * Boundaries: a window is open from `opens` (included) to `closes` (excluded); a freeze holds from
 * `from` (included) to `until` (excluded); a period that ends at `t` is over at `t`. A review due at
 * `t` is pending up to and including `t`, overdue from the first instant after it (as incident deadlines).
 */
import type { PhaseDefinition, ProgramDefinition } from '../program/schema.js';
import { periodEndIn } from './calendar.js';
import type { ProgramState } from './state.js';

export type WindowTimeState = 'always' | 'not-yet-open' | 'open' | 'closed' | 'frozen';

export interface WindowTime {
  readonly opens: string | null;
  readonly closes: string | null;
  readonly state: WindowTimeState;
  /** The freeze in force, when frozen. */
  readonly freeze: { readonly id: string; readonly from: string; readonly until: string; readonly reason: string | null } | null;
  /** Until the window opens (not yet open), or the freeze ends (frozen); null otherwise. */
  readonly opensInMs: number | null;
  /** Until the window closes, while it has not closed; null without `closes`. */
  readonly closesInMs: number | null;
}

const iso = (text: string) => new Date(text).toISOString();

/** Where the cutover window stands at `now`; null when the window sets no time. */
export function windowTime(def: ProgramDefinition, now: Date): WindowTime | null {
  const w = def.window;
  if (w === undefined || (w.opens === undefined && w.closes === undefined && (w.freezes ?? []).length === 0)) return null;
  const t = now.getTime();
  const opens = w.opens === undefined ? null : Date.parse(w.opens);
  const closes = w.closes === undefined ? null : Date.parse(w.closes);
  const freeze = (w.freezes ?? []).find((f) => Date.parse(f.from) <= t && t < Date.parse(f.until)) ?? null;
  const state: WindowTimeState =
    opens !== null && t < opens ? 'not-yet-open' : closes !== null && t >= closes ? 'closed' : freeze !== null ? 'frozen' : opens === null && closes === null ? 'always' : 'open';
  return {
    opens: w.opens === undefined ? null : iso(w.opens),
    closes: w.closes === undefined ? null : iso(w.closes),
    state,
    freeze: freeze === null ? null : { id: freeze.id, from: iso(freeze.from), until: iso(freeze.until), reason: freeze.reason ?? null },
    opensInMs: state === 'not-yet-open' ? opens! - t : state === 'frozen' ? Date.parse(freeze!.until) - t : null,
    closesInMs: closes !== null && t < closes ? closes - t : null,
  };
}

/** Why the window keeps `phase` (the one that executes the window's decision) from starting at `now`; null when it does not. */
export function windowRefusal(def: ProgramDefinition, phase: PhaseDefinition, now: Date): string | null {
  if (def.window === undefined || phase.decision !== def.window.decision) return null;
  const w = windowTime(def, now);
  if (w === null) return null;
  switch (w.state) {
    case 'not-yet-open':
      return `the cutover window opens at ${w.opens} (in ${Math.ceil(w.opensInMs! / 1000)} s); Phase ${phase.id} cannot start before`;
    case 'closed':
      return `the cutover window closed at ${w.closes}; Phase ${phase.id} can no longer start in it (amend window.closes to reopen it)`;
    case 'frozen':
      return `freeze ${w.freeze!.id} (${w.freeze!.from} to ${w.freeze!.until}${w.freeze!.reason === null ? '' : `: ${w.freeze!.reason}`}) is in force; Phase ${phase.id} can start from ${w.freeze!.until}`;
    default:
      return null;
  }
}

/** When an active phase may complete (its start plus min_duration), or null when it sets none or is not active. */
export function earliestCompletion(state: ProgramState, def: ProgramDefinition, phase: PhaseDefinition): string | null {
  const record = state.phases[phase.id];
  if (phase.min_duration === undefined || record?.status !== 'active') return null;
  return periodEndIn(def, record.at, phase.min_duration).toISOString();
}

/** When a candidate target may be published under targets.baseline_min_age, or null when it may be now (or the rule is unset). */
export function baselineOldEnoughAt(state: ProgramState, def: ProgramDefinition, now: Date): string | null {
  const age = def.targets?.baseline_min_age;
  if (age === undefined) return null;
  if (state.baselineSince === null) return null;
  const at = periodEndIn(def, state.baselineSince, age);
  return now.getTime() >= at.getTime() ? null : at.toISOString();
}

export type ReviewStatus = 'pending' | 'overdue';

/** The next review an active phase owes (review_every). */
export interface ReviewDeadline {
  readonly phase: string;
  readonly every: string;
  /** The phase start or the last review: the clock runs from here. */
  readonly since: string;
  readonly lastReview: { readonly seq: number; readonly at: string; readonly actor: string } | null;
  readonly due: string;
  readonly status: ReviewStatus;
  readonly overdueByMs: number | null;
  readonly marginMs: number | null;
}

export function reviewDeadlines(state: ProgramState, def: ProgramDefinition, now: Date): ReviewDeadline[] {
  return def.phases.flatMap((phase) => {
    const record = state.phases[phase.id];
    if (phase.review_every === undefined || record?.status !== 'active') return [];
    const review = state.reviews[phase.id];
    const last = review !== undefined && review.seq > record.seq ? review : null;
    const since = last?.at ?? record.at;
    const due = periodEndIn(def, since, phase.review_every).getTime();
    const t = now.getTime();
    return [
      {
        phase: phase.id,
        every: phase.review_every,
        since,
        lastReview: last === null ? null : { seq: last.seq, at: last.at, actor: last.actor },
        due: new Date(due).toISOString(),
        status: t > due ? 'overdue' : 'pending',
        overdueByMs: t > due ? t - due : null,
        marginMs: t > due ? null : due - t,
      },
    ];
  });
}
