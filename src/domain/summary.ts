/**
 * A program's summary: what a list of programs shows and is sorted by, derived from one evaluation
 * and kept beside the ledger, so a list of 100,000 programs reads 100,000 small records and
 * evaluates none. Pure: the same evaluation gives the same summary. Every word in it is the one the
 * domain defines elsewhere (urgency.ts, now.ts): nothing here decides urgency a second time.
 *
 * Time alone changes a program only at its now-list's `nextChangeAt`; the summary carries the first
 * such instant at which its urgency changes, and the urgency from then on, so a list is sorted
 * correctly across it without evaluating the program again (it is refreshed afterwards).
 */
import type { Evaluation } from './evaluate.js';
import type { ReadAccess } from './identity.js';
import { nowOf, type Move, type NowItem } from './now.js';
import { currentPhase, overdueNow, urgencyOf, URGENCY_ORDER, type OverdueNow, type Urgency } from './urgency.js';

export const SUMMARY_VERSION = 1;

/** How many of the now-list's changes ahead are followed to find when the urgency changes. */
export const URGENCY_LOOKAHEAD = 8;

export interface ProgramSummary {
  readonly version: typeof SUMMARY_VERSION;
  readonly program: string;
  readonly title: string;
  readonly head: string | null;
  readonly seq: number;
  /** The time of the last event. */
  readonly at: string | null;
  /** The time it was evaluated at. */
  readonly evaluatedAt: string;
  readonly definitionDigest: string | null;
  readonly decisions: readonly { readonly id: string; readonly title: string; readonly outcome: 'GO' | 'NO-GO'; readonly state: Evaluation['decisions'][number]['state']; readonly label: string }[];
  readonly nextPhase: string | null;
  readonly currentPhase: string;
  readonly blockers: readonly { readonly gate: string; readonly text: string; readonly owner: string }[];
  readonly openIncidents: number;
  readonly overdue: readonly OverdueNow[];
  readonly urgency: Urgency;
  readonly whoseMove: readonly Move[];
  readonly mostUrgent: NowItem | null;
  /** The first instant after `evaluatedAt` at which the now-list changes with time alone (null: never). */
  readonly nextChangeAt: string | null;
  /** The first instant after `evaluatedAt` at which its urgency changes with time alone (null: none foreseen), and the urgency from then on. */
  readonly urgencyChangesAt: string | null;
  readonly urgencyThen: Urgency | null;
  /** The parties' names, by id (whose move names parties). */
  readonly parties: Readonly<Record<string, string>>;
  /** Who may read it on a server: the parts of the definition a read is judged on (identity.ts). */
  readonly readAccess: ReadAccess;
}

/**
 * The summary of `ev`, read as `readAccess` says; `evaluateAt` evaluates the same program at another
 * time (only the caller holds its state): the now-list's changes are followed, at most
 * `URGENCY_LOOKAHEAD` of them, to the first that changes the urgency.
 */
export function summaryOf(ev: Evaluation, readAccess: ReadAccess, evaluateAt: (at: Date) => Evaluation): ProgramSummary {
  const now = nowOf(ev);
  const urgency = urgencyOf(ev);
  let urgencyChangesAt: string | null = null;
  let urgencyThen: Urgency | null = null;
  let next = now.nextChangeAt;
  for (let step = 0; next !== null && step < URGENCY_LOOKAHEAD; step++) {
    const later = evaluateAt(new Date(next));
    if (urgencyOf(later) !== urgency) {
      urgencyChangesAt = next;
      urgencyThen = urgencyOf(later);
      break;
    }
    next = nowOf(later).nextChangeAt;
  }
  return {
    version: SUMMARY_VERSION,
    program: ev.program.id,
    title: ev.program.title,
    head: ev.head,
    seq: ev.seq,
    at: ev.at,
    evaluatedAt: ev.evaluatedAt,
    definitionDigest: ev.definitionDigest,
    decisions: ev.decisions.map((d) => ({ id: d.id, title: d.title, outcome: d.outcome, state: d.state, label: d.label })),
    nextPhase: ev.nextPhase,
    currentPhase: currentPhase(ev),
    blockers: ev.blockers.map((b) => ({ gate: b.gate, text: b.text, owner: b.owner.role })),
    openIncidents: ev.openIncidents.length,
    overdue: overdueNow(ev),
    urgency,
    whoseMove: now.whoseMove,
    mostUrgent: now.mostUrgent,
    nextChangeAt: now.nextChangeAt,
    urgencyChangesAt,
    urgencyThen,
    parties: Object.fromEntries(ev.parties.map((p) => [p.id, p.name])),
    readAccess,
  };
}

/** Urgency as a rank (0 most urgent, urgency.ts's order), now and from the next change on: how a list is sorted. */
export interface RankedAt {
  readonly rank: number;
  readonly rankChangesAt: string | null;
  readonly rankThen: number | null;
}

/** The rank a summary stands for at `at`: its own, or, once its urgency's change has come, the one from then on. */
export function rankAt(s: RankedAt, at: Date): number {
  return s.rankChangesAt !== null && s.rankThen !== null && at.getTime() >= Date.parse(s.rankChangesAt) ? s.rankThen : s.rank;
}

/** The rank a list is sorted by: 0 for the most urgent (urgency.ts's order). */
export function urgencyRank(urgency: Urgency): number {
  return URGENCY_ORDER.indexOf(urgency);
}

/** Has time moved the program past what its summary says (it should be evaluated again before being shown)? */
export function summaryStaleAt(s: Pick<ProgramSummary, 'nextChangeAt'>, at: Date): boolean {
  return s.nextChangeAt !== null && at.getTime() >= Date.parse(s.nextChangeAt);
}
