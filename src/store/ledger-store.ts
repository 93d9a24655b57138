/**
 * Where ledger lines live. A store only stores: it keeps lines in order per program, appends
 * atomically against an expected head, and never rewrites. Hashing, signatures and the rules that
 * link lines are the ledger's (`src/ledger`), the same for every store. Every store passes the
 * conformance suite in `test/store/conformance.ts`.
 */
import type { LedgerEvent } from '../domain/events.js';

export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
}

/** What a crash in the middle of an append leaves: a last line with no newline, never acknowledged. */
export interface TornLine {
  /** 1-based line number of the partial line. */
  readonly line: number;
  /** Its length in bytes. */
  readonly bytes: number;
  /** The length of the complete lines before it: truncating the file to this removes it. */
  readonly keepBytes: number;
}

export interface LedgerRead {
  /** Where the lines come from, for messages. */
  readonly source: string;
  /** Complete lines from the requested seq on, exactly as stored, without newlines. */
  readonly lines: readonly string[];
  /** A trailing partial line (a crash mid-append). The complete lines before it are still returned. */
  readonly torn?: TornLine;
}

export interface LedgerStore {
  /** Lines of `program` from `fromSeq` (1-based, default 1). An unknown program reads as empty. */
  read(program: string, fromSeq?: number): Promise<LedgerRead>;
  /** The last complete event's seq and hash, or null for an empty ledger. */
  head(program: string): Promise<LedgerHead | null>;
  /**
   * Append `events` (already sealed, consecutive seqs) if and only if the ledger's head is still
   * `expectedHead` (null: still empty). Otherwise throw StaleHeadError and write nothing. Returns
   * once the events are durable.
   */
  append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead>;
  /** The programs this store holds, sorted. */
  listPrograms(): Promise<string[]>;
}
