/**
 * The one check of posted events: the lines must verify as a continuation of the program's
 * verified ledger, by the same code `verify` runs (chain, canonical form, hash, signature, keys in
 * force, authority). Nothing else in the server decides whether a line may be stored.
 */
import type { LedgerEvent } from '../domain/events.js';
import { initialState, type ProgramState } from '../domain/state.js';
import { checkLine, type LineCheck } from '../ledger/chain.js';
import { verifyLedger } from '../ledger/verify.js';

/** A verified ledger: its events and the state folded from them. */
export interface VerifiedProgram {
  readonly events: readonly LedgerEvent[];
  readonly state: ProgramState;
}

export const EMPTY_PROGRAM: VerifiedProgram = { events: [], state: initialState() };

/**
 * Verify `lines` as the lines after `before`; returns the whole program after them.
 * The stored lines were verified when they were loaded, so only the new lines' own checks run here;
 * the rules that link lines run over the whole ledger, exactly as `verify` runs them.
 */
export function admitLines(before: VerifiedProgram, source: string, lines: readonly string[]): VerifiedProgram {
  const checks: LineCheck[] = [...before.events.map((event) => ({ ok: true as const, event })), ...lines.map(checkLine)];
  const { events, state } = verifyLedger({ source, lines: [...before.events.map(() => ''), ...lines] }, checks);
  return { events, state };
}
