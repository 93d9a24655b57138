/**
 * The record a store keeps of a program's summary (`domain/summary.ts`): the summary at a time,
 * with the build and definition that made it and the columns a list is sorted and filtered by.
 * Made where the verified program moves (`stored-ledger.ts`), so the append that changes a program
 * changes its summary, and by the server for programs whose summary is missing, of another build,
 * or past its next change.
 */
import { evaluate } from '../domain/evaluate.js';
import { readAccessOf } from '../domain/identity.js';
import type { ProgramState } from '../domain/state.js';
import { summaryOf, urgencyRank, type ProgramSummary } from '../domain/summary.js';
import type { SummaryRecord, SummaryShelf } from '../store/ledger-store.js';
import { foldOf } from './folder-ledger.js';

/** The build a summary is made by: the identity of the domain code (a new one derives differently). */
export function summaryBuild(): string {
  return foldOf();
}

/** The summary of `state` at `now`; null for a program not defined yet. */
export function summaryAt(state: ProgramState, now: Date): ProgramSummary | null {
  if (state.definition === null || state.program === null) return null;
  return summaryOf(evaluate(state, now), readAccessOf(state.definition), (at) => evaluate(state, at));
}

export function summaryRecordOf(state: ProgramState, now: Date, build = summaryBuild()): SummaryRecord | null {
  const summary = summaryAt(state, now);
  if (summary === null) return null;
  return {
    program: summary.program,
    seq: summary.seq,
    head: summary.head,
    build,
    definition: summary.definitionDigest,
    rank: urgencyRank(summary.urgency),
    rankChangesAt: summary.urgencyChangesAt,
    rankThen: summary.urgencyThen === null ? null : urgencyRank(summary.urgencyThen),
    nextChangeAt: summary.nextChangeAt,
    waitingOn: summary.whoseMove.map((m) => m.party),
    body: JSON.stringify(summary),
  };
}

/** Where summaries are kept, and the clock and build they are made with. */
export interface SummaryKeeping {
  readonly shelf: SummaryShelf;
  readonly now: () => Date;
  readonly build?: string;
}

/** Keep the summary of `state` now, and return it; null when there is none to keep. */
export async function keepSummaryOf(keeping: SummaryKeeping, state: ProgramState): Promise<SummaryRecord | null> {
  const record = summaryRecordOf(state, keeping.now(), keeping.build ?? summaryBuild());
  if (record !== null) await keeping.shelf.keepSummary(record);
  return record;
}
