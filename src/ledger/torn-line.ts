/** The error for a ledger whose last line is torn (no newline): what a crash during an append leaves. */
import { LedgerVerificationError } from '../errors.js';

/** What a crash in the middle of an append leaves: a last line with no newline, never acknowledged. */
export interface TornLine {
  /** 1-based line number of the partial line. */
  readonly line: number;
  /** Its length in bytes. */
  readonly bytes: number;
  /** The length of the complete lines before it: truncating the file to this removes it. */
  readonly keepBytes: number;
}

/** The error for a torn last line; `outcome` says what the command did about it. */
export function tornLineError(source: string, torn: TornLine, outcome: string): LedgerVerificationError {
  return new LedgerVerificationError(
    source,
    torn.line,
    null,
    'torn',
    `the last line is incomplete (${torn.bytes} bytes, no newline), as a crash during an append leaves it; the ${torn.line - 1} events before it verify; ${outcome}`,
    [`the partial line was never acknowledged as written; remove it with: truncate -s ${torn.keepBytes} ${source}`],
  );
}
