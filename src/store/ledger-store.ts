/**
 * Where ledger lines live. A store only stores: it keeps lines in order per program, appends
 * atomically against an expected head, and never rewrites. Hashing, signatures and the rules that
 * link lines are the ledger's (`src/ledger`), the same for every store. Every store passes the
 * conformance suite in `test/store/conformance.ts`.
 */
import type { LedgerEvent } from '../domain/events.js';
import type { TornLine } from '../ledger/torn-line.js';
import type { RankedAt } from '../domain/summary.js';

export type { TornLine } from '../ledger/torn-line.js';

export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
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
   * `expectedHead` (null: still empty). Otherwise throw StaleHeadError and write nothing, for no
   * events as for many: an empty append is a head check. All the events are stored or none.
   * Returns once the events are durable: the head after them (null: the ledger is still empty).
   */
  append(program: string, expectedHead: string | null, events: readonly LedgerEvent[]): Promise<LedgerHead | null>;
  /** The programs this store holds, sorted. */
  listPrograms(): Promise<string[]>;
}

/**
 * A store that also keeps one verified checkpoint per program (the PostgreSQL store, for the server).
 * Keeping is all it does: whether a checkpoint may be trusted is decided by whoever reads it
 * (`server/program-checkpoint.ts`), from the stored lines themselves.
 */
export interface CheckpointShelf {
  /** The program's checkpoint exactly as kept, or null when there is none. */
  checkpointOf(program: string): Promise<string | null>;
  /**
   * Keep `text` as the program's checkpoint at `seq`, unless one at a later seq is kept already;
   * `replacing`: whatever is kept (it was found unusable).
   */
  keepCheckpoint(program: string, seq: number, text: string, replacing?: boolean): Promise<void>;
  /** The stored lines of `program` from `fromSeq` to `toSeq` (inclusive), in order, a batch at a time: memory stays bounded. */
  lineBatches(program: string, fromSeq: number, toSeq: number): AsyncIterable<readonly string[]>;
}

export function keepsCheckpoints(store: LedgerStore): store is LedgerStore & CheckpointShelf {
  const shelf = store as Partial<CheckpointShelf>;
  return typeof shelf.checkpointOf === 'function' && typeof shelf.keepCheckpoint === 'function' && typeof shelf.lineBatches === 'function';
}

/**
 * A store that also keeps, beside the lines and never inside the signed ledger, who posted them to
 * a server (the identity a token or session gave). Each record covers the seqs one post appended.
 */
export interface PosterShelf {
  /** Keep `record` (JSON text) for the lines `fromSeq` to `toSeq` of `program`. */
  keepPoster(program: string, fromSeq: number, toSeq: number, record: string): Promise<void>;
  /** The record of the post that appended `seq`, exactly as kept, or null when none was kept. */
  posterOf(program: string, seq: number): Promise<string | null>;
}

export function keepsPosters(store: LedgerStore): store is LedgerStore & PosterShelf {
  const shelf = store as Partial<PosterShelf>;
  return typeof shelf.keepPoster === 'function' && typeof shelf.posterOf === 'function';
}

/**
 * A store whose lines can be followed by byte offset (a file): the lines appended after a known
 * offset are read without reading the ones before them, and "anything new?" is a size check.
 */
export interface ByteTail {
  /** The head and where the complete lines end, read together from the end of the ledger. */
  endOf(program: string): Promise<{ readonly head: LedgerHead | null; readonly end: number }>;
  /** The ledger's size in bytes now (0: none), a partial last line included. */
  sizeOf(program: string): Promise<number>;
  /** The complete lines from byte `offset` on, and where they end. */
  linesFrom(program: string, offset: number): Promise<{ readonly lines: readonly string[]; readonly end: number }>;
  /** The lines from seq `fromSeq` to the end, read `chunkBytes` at a time: a slow reader holds one small chunk. */
  linesAfter(program: string, fromSeq: number, chunkBytes: number): AsyncIterable<readonly string[]>;
}

/** A store that tells the last seq of many programs in one read (what a poll of followed programs asks). */
export interface HeadsReader {
  /** The last seq of each of `programs` that has lines (a program with none is absent). */
  headsOf(programs: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

export function knowsHeads(store: LedgerStore): store is LedgerStore & HeadsReader {
  return typeof (store as Partial<HeadsReader>).headsOf === 'function';
}

export function followsBytes(store: LedgerStore): store is LedgerStore & ByteTail {
  const tail = store as Partial<ByteTail>;
  return typeof tail.endOf === 'function' && typeof tail.sizeOf === 'function' && typeof tail.linesFrom === 'function' && typeof tail.linesAfter === 'function';
}

/**
 * A program's summary as a store keeps it beside the ledger (`domain/summary.ts`), with what a list
 * is filtered, sorted and paged by in columns of its own. Never part of the signed ledger: it is
 * derived, and recomputed whenever it is missing, from another build, or behind the ledger.
 */
export interface SummaryRecord extends RankedAt {
  readonly program: string;
  readonly seq: number;
  readonly head: string | null;
  /** The build that made it (its fold identity) and the definition digest it was made under. */
  readonly build: string;
  readonly definition: string | null;
  /** When time alone changes what it says (it is made again from then on). */
  readonly nextChangeAt: string | null;
  /** The parties whose move it is. */
  readonly waitingOn: readonly string[];
  /** The summary itself, as JSON text. */
  readonly body: string;
}

/** Which summaries a list asks for: sorted by urgency at `at`, then program id; `after` is where the last page ended. */
export interface SummaryQuery {
  readonly at: Date;
  readonly limit: number;
  readonly after?: { readonly rank: number; readonly program: string };
  /** Only programs waiting on this party. */
  readonly party?: string;
  /** Only programs of this urgency rank at `at`. */
  readonly rank?: number;
}

export interface SummaryPage {
  /** Each with its urgency rank at the query's time. */
  readonly rows: readonly { readonly program: string; readonly rank: number; readonly body: string }[];
  /** More rows may follow. */
  readonly more: boolean;
}

export interface SummaryShelf {
  /** Keep `record`, unless one at a later seq is kept already. */
  keepSummary(record: SummaryRecord): Promise<void>;
  summaries(query: SummaryQuery): Promise<SummaryPage>;
  /** Up to `limit` programs whose summary is due to be made (again), for the reason given (which `limit`, when more are due, is the store's choice). */
  summariesDue(limit: number, due: SummaryDue): Promise<string[]>;
}

/**
 * Why a summary is made again. Each reason is its own question, so that the one asked every few
 * seconds (`time`) reads only what time has changed, never every program: `missing` is asked once
 * per process, `build` and `behind` once per process in the background.
 */
export type SummaryDue =
  /** Programs with no summary at all (a store written before summaries were kept). */
  | { readonly why: 'missing' }
  /** Summaries of a seq before the program's last (a server stopped between an append and its summary). */
  | { readonly why: 'behind' }
  /** Summaries made by a build other than `build` (another fold may say something else). */
  | { readonly why: 'build'; readonly build: string }
  /** Summaries whose `nextChangeAt` has come by `at`. */
  | { readonly why: 'time'; readonly at: Date };

export function keepsSummaries(store: LedgerStore): store is LedgerStore & SummaryShelf {
  const shelf = store as Partial<SummaryShelf>;
  return typeof shelf.keepSummary === 'function' && typeof shelf.summaries === 'function' && typeof shelf.summariesDue === 'function';
}

