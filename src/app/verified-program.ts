/**
 * The one verified program: every way into a ledger (the CLI on a folder or a server, `verify`,
 * `sync`, `push`, `pull`, the server on PostgreSQL or a folder) reads, decides and appends through
 * it, whatever store holds the lines. As kysely wraps any driver once, the rules wrap a store once:
 * - open: from a checkpoint when the store's access keeps one, verifying every line after it;
 * - append: only lines that verify as the continuation of the verified state (chain, canonical
 *   form, hash, signature, keys in force, authority, the policy's admission of each event), with
 *   the verified head as the expected head, so concurrent writers cannot fork the chain;
 * - on a stale head: fetch what is new from the same store, verify it, decide again, and try once
 *   more after a jittered pause: one retry loop, here, with one budget.
 * A store only stores. What differs between stores (how a checkpoint is found and kept, how lines
 * are streamed) is a `LedgerAccess`, chosen once where the program is opened.
 */
import type { LedgerEvent } from '../domain/events.js';
import { initialState } from '../domain/state.js';
import { datedTooFarAhead } from '../domain/clock-skew.js';
import { invalidInput, LedgerVerificationError, StaleHeadError } from '../errors.js';
import { serialize } from '../ledger/line.js';
import type { Verified, VerifiedHead } from '../ledger/verify.js';
import type { TornLine } from '../store/ledger-store.js';

export const EMPTY_HEAD: VerifiedHead = { state: initialState(), last: null };

/** A program as an access opened it: its verified head and how it was reached. */
export interface Opened extends VerifiedHead {
  /** Where the lines are, for messages. */
  readonly source: string;
  /** A partial last line after the verified events (reads work; appends are refused). */
  readonly torn?: TornLine;
  /** Why a checkpoint was not used, when there was one. */
  readonly note?: string;
  /** From a checkpoint alone, the checkpoint and the lines after it, or every line. */
  readonly read: 'checkpoint' | 'since-checkpoint' | 'full';
}

export interface OpenOptions {
  /** Threads for signature checks (default: all cores). */
  readonly threads?: number;
  /** Verify every line, whatever a checkpoint says (`cutover verify`). */
  readonly full?: boolean;
}

/**
 * How one kind of store is read and written for one program: the only part that differs between
 * stores. Every method returns positions it verified itself, by the ledger's own checks.
 */
export interface LedgerAccess<P extends Opened = Opened> {
  readonly source: string;
  /** The program's id, when the access is for one program of a store that holds many. */
  readonly program?: string;
  /** The program verified up to the store's head now. */
  open(options: OpenOptions): Promise<P>;
  /** What the store holds after `at`, verified as its continuation. */
  catchUp(at: P): Promise<P>;
  /** Append `events`, already verified as the continuation of `at` (giving `after`), if the store's head is still `at`'s. */
  append(at: P, after: VerifiedHead, events: readonly LedgerEvent[]): Promise<P>;
  /** The lines up to `at`, in order, as verified, a batch at a time. */
  lines(at: P): AsyncIterable<readonly string[]>;
  /** Whether a torn line seen on opening is still there (another writer's append may have completed it). */
  stillTorn(at: P): Promise<boolean>;
}

/** How often, and how patiently, a decision is tried again on a moved head. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The pause before attempt `n` (2, 3, …), in milliseconds. */
  pause(attempt: number): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Full jitter over a doubling window (5 ms, 10 ms, … capped at 250 ms): writers that lost a race
 * spread out instead of colliding again, and each lost round lets at least one of them in, so 8
 * simultaneous writers all land well within the budget.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 12,
  pause: (attempt) => Math.random() * Math.min(250, 5 * 2 ** (attempt - 1)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The clock of whoever writes posted lines, and how far ahead of it a line may be dated. */
export interface WriterClock {
  readonly now: Date;
  readonly maxSkewMs: number;
}

/** What one attempt at a decision came to: events to append, or an answer with nothing to write. */
export type Attempt<T> =
  | { readonly append: readonly LedgerEvent[]; readonly answer: (appended: readonly LedgerEvent[]) => T }
  | { readonly appendLines: readonly string[]; readonly source: string; readonly notDatedAfter?: WriterClock; readonly answer: (appended: readonly LedgerEvent[]) => T }
  | { readonly done: T };

export class VerifiedProgram<P extends Opened = Opened> {
  private constructor(
    private readonly access: LedgerAccess<P>,
    private at: P,
  ) {}

  static async open<P extends Opened>(access: LedgerAccess<P>, options: OpenOptions = {}): Promise<VerifiedProgram<P>> {
    return new VerifiedProgram(access, await access.open(options));
  }

  get state() {
    return this.at.state;
  }

  get last(): LedgerEvent | null {
    return this.at.last;
  }

  get source(): string {
    return this.at.source;
  }

  get torn(): TornLine | undefined {
    return this.at.torn;
  }

  get note(): string | undefined {
    return this.at.note;
  }

  get read(): Opened['read'] {
    return this.at.read;
  }

  /**
   * Let the access update its own bookkeeping at the same head (a checkpoint kept at a graceful
   * stop); returns what the work says.
   */
  async tend(work: (at: P) => Promise<{ readonly position: P; readonly ok: boolean }>): Promise<boolean> {
    const { position, ok } = await work(this.at);
    if (position.state.head === this.at.state.head) this.at = position;
    return ok;
  }

  /** Every verified event, in order. */
  async events(): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    for await (const batch of this.lines()) for (const line of batch) events.push(JSON.parse(line) as LedgerEvent);
    return events;
  }

  /**
   * The verified events after `seq`: from memory when the access keeps the history (a follower
   * reading each append as it lands pays for the new events only), else read and verified again.
   */
  async eventsAfter(seq: number): Promise<LedgerEvent[]> {
    const history = (this.at as Opened & { readonly history?: readonly LedgerEvent[] }).history;
    return history !== undefined ? history.slice(seq) : (await this.events()).slice(seq);
  }

  /** The verified lines exactly as stored, a batch at a time (memory stays flat on a folder). */
  lines(): AsyncIterable<readonly string[]> {
    return this.access.lines(this.at);
  }

  /** Read and verify what the store gained since; returns how many events that was. */
  async catchUp(): Promise<number> {
    const before = this.at.state.seq;
    this.at = await this.access.catchUp(this.at);
    return this.at.state.seq - before;
  }

  /** Is the ledger torn right now (a torn line seen on opening may have been completed since)? */
  async tornNow(): Promise<boolean> {
    return this.at.torn !== undefined && (await this.access.stillTorn(this.at));
  }

  /**
   * Append `events` after the verified head: they must verify as its continuation, belong to this
   * program, and the store's head must still be the one verified (else StaleHeadError, nothing written).
   */
  async append(events: readonly LedgerEvent[], source = `the events to append to ${this.at.source}`): Promise<readonly LedgerEvent[]> {
    const admitted = await this.admit(source, events.map(serialize));
    await this.keep(admitted);
    return admitted.events;
  }

  /**
   * Lines as posted (the server): verified exactly as `verify` would check them, none dated further
   * ahead of the writer's clock than it allows (a line dated 9999 would freeze the program), then appended.
   */
  async appendLines(lines: readonly string[], source: string, clock?: WriterClock): Promise<readonly LedgerEvent[]> {
    const admitted = await this.admit(source, lines);
    const ahead = clock === undefined ? undefined : admitted.events.find((e) => datedTooFarAhead(e.at, clock.now, clock.maxSkewMs) !== null);
    if (ahead !== undefined) {
      throw invalidInput(
        { source: `${source} (seq ${ahead.seq})`, field: 'at', expected: `a time at most ${clock!.maxSkewMs / 1000} s ahead of this server's clock (${clock!.now.toISOString()})`, found: JSON.stringify(ahead.at) },
        ['an event dated in the future would make every later event look earlier than it; date it now, and check the clock of the machine that signed it'],
      );
    }
    await this.keep(admitted);
    return admitted.events;
  }

  /**
   * Fast-forward to another copy that was verified from its first line on its own (`sync`, `pull`,
   * `push`): when its event `common` is this head, its events after it continue this verified state,
   * so they are appended without being checked a second time.
   */
  async appendFrom(other: Verified, common: number): Promise<readonly LedgerEvent[]> {
    const join = common === 0 ? null : other.events[common - 1]!.hash;
    if (join !== this.at.state.head) throw new StaleHeadError(join, this.at.state.head);
    const added = other.events.slice(common);
    if (added.length === 0) return [];
    this.at = await this.access.append(this.at, { state: other.state, last: added.at(-1)! }, added);
    return added;
  }

  /**
   * Decide on the verified state and append what was decided; on a stale head, catch up on the same
   * store and decide again, after a jittered pause, within the policy's budget. Giving up throws the
   * last StaleHeadError, naming the head last seen, with nothing written.
   */
  async decideAndAppend<T>(decide: (program: this, attempt: number) => Promise<Attempt<T>>, retry: RetryPolicy = DEFAULT_RETRY): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const decided = await decide(this, attempt);
      if ('done' in decided) return decided.done;
      try {
        return decided.answer('append' in decided ? await this.append(decided.append) : await this.appendLines(decided.appendLines, decided.source, decided.notDatedAfter));
      } catch (error) {
        if (!(error instanceof StaleHeadError)) throw error;
        if (attempt >= retry.attempts) throw new StaleHeadError(error.expected, error.actual, attempt);
        await retry.sleep(retry.pause(attempt + 1));
        await this.catchUp();
      }
    }
  }

  private async admit(source: string, lines: readonly string[]): Promise<{ events: readonly LedgerEvent[]; after: VerifiedHead }> {
    // Loaded with the first append: a read served by a checkpoint needs no line checks at all.
    const { verifyContinuation } = await import('../ledger/verify.js');
    const { events, state } = verifyContinuation(this.at, { source, lines });
    const program = this.at.state.program ?? this.access.program ?? null;
    const stranger = program === null ? undefined : events.find((e) => e.program !== program);
    if (stranger !== undefined) {
      throw new LedgerVerificationError(source, stranger.seq, stranger.seq, 'wrong-program', `event belongs to program "${stranger.program}", posted to program "${program}"`, [
        `append it to program ${stranger.program} (on a server: POST /v1/programs/${stranger.program}/events)`,
      ]);
    }
    return { events, after: { state, last: events.at(-1) ?? this.at.last } };
  }

  private async keep({ events, after }: { events: readonly LedgerEvent[]; after: VerifiedHead }): Promise<void> {
    // Even nothing is appended only on the head verified: the store says whether it still is.
    this.at = await this.access.append(this.at, after, events);
  }
}
