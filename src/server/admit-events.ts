/**
 * The one check of posted and loaded lines: they must verify as the continuation of the program's
 * verified state by the very code `verify` runs (`verifyContinuation`: chain, canonical form, hash,
 * signature, keys in force, authority, and the policy's admission of each event on the state
 * before it). Nothing else in the server decides whether a line may be stored.
 */
import type { LedgerEvent } from '../domain/events.js';
import { initialState } from '../domain/state.js';
import { verifyLedgerText } from '../ledger/check-pool.js';
import { tornLineError, verifyContinuation, type VerifiedHead } from '../ledger/verify.js';
import type { LedgerRead } from '../store/ledger-store.js';

export type VerifiedProgram = VerifiedHead;

export const EMPTY_PROGRAM: VerifiedProgram = { state: initialState(), last: null };

export interface Admitted {
  /** The new events, in order. */
  readonly added: readonly LedgerEvent[];
  /** The program after them. */
  readonly after: VerifiedProgram;
}

/** Verify `lines` as the lines after `before`; throws the error `verify` would give for the first bad one. */
export function admitLines(before: VerifiedProgram, source: string, lines: readonly string[]): Admitted {
  const { events, state } = verifyContinuation(before, { source, lines });
  return { added: events, after: { state, last: events[events.length - 1] ?? before.last } };
}

/** Load stored lines after `before`; a whole ledger read from the start checks its lines on every core. */
export async function loadLines(before: VerifiedProgram, read: LedgerRead): Promise<VerifiedProgram> {
  if (read.torn !== undefined) throw tornLineError(read.source, read.torn, 'the server serves the events before it');
  if (before.last === null) {
    const { events, state } = await verifyLedgerText({ source: read.source, lines: read.lines });
    return { state, last: events[events.length - 1] ?? null };
  }
  return admitLines(before, read.source, read.lines).after;
}
