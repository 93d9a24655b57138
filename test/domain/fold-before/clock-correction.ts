// TEMPORARY frozen copy (issue 30, fold-domain) of the fold at 19bdf12, for fold-before.property.spec.ts; removed once it has held.
/**
 * The way out of a ledger frozen by a line dated in the future. Events are in time order, so a line
 * dated 9999-12-31 (written by a version that did not check the writer's clock) makes every later
 * line "earlier than the last". The decision-log owner records `clock.corrected`, dated by their own
 * clock: the lines dated after it are misdated, and time goes on from the correction. The misdated
 * lines stay in the ledger and keep their effects (the chain is never rewritten); what they decided
 * can be recorded again.
 *
 * To check a correction, a verifier reading the ledger once must know when the last correctly dated
 * line was. The state keeps the last few moves of the ledger's time for that (`timeMarks`): a
 * correction can reach back over that many distinct times, which a frozen ledger never exceeds,
 * since after its first future line only lines dated later still were accepted.
 */
import { DEFAULT_MAX_CLOCK_SKEW_MS } from '../../../src/domain/clock-skew.js';

/** A line where the ledger's time moved forward. */
export interface TimeMark {
  readonly seq: number;
  readonly at: string;
}

/** How many moves of the ledger's time the state keeps. */
export const TIME_MARKS_KEPT = 16;

/** The marks after a line dated `at` at `seq`: a move forward is kept; a correction drops what it corrects. */
export function nextTimeMarks(marks: readonly TimeMark[], seq: number, at: string): readonly TimeMark[] {
  const last = marks[marks.length - 1];
  if (last !== undefined && at === last.at) return marks;
  const kept = last !== undefined && at < last.at ? marks.filter((m) => m.at <= at) : marks;
  // Pushed one by one into a new array: its first push makes room for 17 elements, all it will hold,
  // where a slice and then a push allocate twice (this runs for nearly every line of a ledger).
  const next: TimeMark[] = [];
  for (let i = Math.max(0, kept.length - TIME_MARKS_KEPT + 1); i < kept.length; i++) next.push(kept[i]!);
  next.push({ seq, at });
  return next;
}

/** What a correction dated `at` would correct: the first misdated line, and the last correctly dated one. */
export type ClockCorrection =
  | { readonly ok: true; readonly misdatedFrom: number; readonly lastCorrect: TimeMark }
  | { readonly ok: false; readonly reason: string; readonly hints: readonly string[] };

/**
 * Whether a correction dated `at` is one: some line is dated after it, and every such line by more
 * than the writers' clock skew (a line a few minutes ahead is another writer's clock, not a mistake:
 * date the correction after it instead). `lastAt` is the ledger's latest time, `seq` its last line.
 */
export function clockCorrectionAt(marks: readonly TimeMark[], lastAt: string | null, seq: number, at: string): ClockCorrection {
  if (lastAt === null || lastAt <= at) {
    return {
      ok: false,
      reason: `no line is dated after ${at} (the latest is ${lastAt ?? 'none'}, seq ${seq}): there is nothing to correct`,
      hints: [],
    };
  }
  const first = marks.findIndex((m) => m.at > at);
  if (first === 0 && marks[0]!.seq === 1) {
    return { ok: false, reason: `the program was defined at ${marks[0]!.at} (seq 1): a correction cannot go back before the program began`, hints: [] };
  }
  if (first === 0) {
    return {
      ok: false,
      reason: `more than ${TIME_MARKS_KEPT} distinct times after ${at} (from seq ${marks[0]!.seq}): the ledger keeps the last ${TIME_MARKS_KEPT} to check a correction`,
      hints: ['a ledger frozen by a future date holds few lines after it; this one does not look frozen: check the times with cutover log'],
    };
  }
  const misdated = marks[first]!;
  if (Date.parse(misdated.at) - Date.parse(at) <= DEFAULT_MAX_CLOCK_SKEW_MS) {
    return {
      ok: false,
      reason: `seq ${misdated.seq} is dated ${misdated.at}, within the writers' clock skew of ${at}: it is not misdated`,
      hints: [`date the correction at or after ${misdated.at} (--at): only lines dated further ahead than the skew are corrected`],
    };
  }
  return { ok: true, misdatedFrom: misdated.seq, lastCorrect: marks[first - 1]! };
}
