/**
 * `verify`: the whole chain, every signature against the keys in force at that point, and who may
 * record what. Names the first bad line and why. Line-local checks (hash, signature) may run in
 * parallel (`check-pool.ts`); the rules that link lines run in `fold.ts`, in order.
 */
import { initialState } from '../domain/state.js';
import { checkLine, type LineCheck } from './chain.js';
import { foldChecked, type LedgerText, type Verified, type VerifiedHead } from './fold.js';

export type { LedgerText, Verified, VerifiedHead } from './fold.js';

// Kept in torn-line.ts so that a command reading from a checkpoint does not load the line checks.
export { tornLineError } from './torn-line.js';

/** Verify a ledger. `precomputed` holds the line-local checks when they were run elsewhere (in parallel). */
export function verifyLedger(text: LedgerText, precomputed?: readonly LineCheck[]): Verified {
  return verifyContinuation({ state: initialState(), last: null }, text, precomputed);
}

/**
 * Verify `text` as the lines that follow `before` (an already verified ledger): every rule `verify`
 * applies to a whole ledger, and the policy's admission of each event on the state before it.
 * Returns the new events only, and the state after them. Line numbers in errors count from the
 * first line of the whole ledger.
 */
export function verifyContinuation(before: VerifiedHead, text: LedgerText, precomputed?: readonly LineCheck[]): Verified {
  return foldChecked(before, text, precomputed ?? text.lines.map((line) => checkLine(line)));
}
