/**
 * The verified state of each program, cached by head. A read first learns the store's head from a
 * lookup that started after the request arrived, so an answer is never staler than the last
 * acknowledged write, whichever replica took it; only the lines after the cached head are read and
 * verified. Reads that arrive while a lookup is in flight share the next one (at most one lookup in
 * flight per program), so under load one round trip answers a whole batch of requests.
 * A refresh from a notification (LISTEN/NOTIFY, or an append in this process) only makes the next
 * request cheaper.
 */
import { evaluate, type Evaluation } from '../domain/evaluate.js';
import type { LedgerHead, LedgerStore } from '../store/ledger-store.js';
import { EMPTY_PROGRAM, loadLines, type VerifiedProgram } from './admit-events.js';

export interface CachedProgram extends VerifiedProgram {
  /** The evaluation last computed, and the time it was computed at. */
  evaluation?: { readonly at: number; readonly value: Evaluation };
}

/** How long an evaluation is reused for the same head: deadlines move with the clock, not only with events. */
const EVALUATION_REUSE_MS = 1000;

export class ProgramCache {
  private readonly programs = new Map<string, CachedProgram>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly lookups = new Map<string, HeadLookups>();

  constructor(private readonly store: LedgerStore) {}

  /** The program verified up to the store's current head (EMPTY when the store has no such program). */
  async current(program: string): Promise<CachedProgram> {
    const fresh = await this.upToDate(program);
    return fresh ?? this.exclusive(program, () => this.catchUp(program));
  }

  /**
   * Run `work` on the program as this process last verified it, alone for this program in this
   * process (appends queue here rather than race the database). No lookup first: the store's
   * append is guarded by the expected head anyway; `catchUp` reads what other replicas added,
   * for when the cached head is not the one a writer expects.
   */
  withLatest<T>(program: string, work: (entry: CachedProgram, catchUp: () => Promise<CachedProgram>) => Promise<T>): Promise<T> {
    return this.exclusive(program, async () => work(this.programs.get(program) ?? (await this.catchUp(program)), () => this.catchUp(program)));
  }

  /** The cached entry when it is at the store's head; undefined when lines must be read. */
  private async upToDate(program: string): Promise<CachedProgram | undefined> {
    const head = await this.headSinceNow(program);
    const cached = this.programs.get(program);
    if ((cached?.state.head ?? null) === (head?.hash ?? null)) return cached ?? EMPTY_PROGRAM;
    return undefined;
  }

  /** The evaluation at `now`, reused for a second at the same head. */
  evaluationOf(entry: CachedProgram, now: Date): Evaluation {
    const reuse = entry.evaluation;
    if (reuse !== undefined && now.getTime() - reuse.at >= 0 && now.getTime() - reuse.at < EVALUATION_REUSE_MS) return reuse.value;
    const value = evaluate(entry.state, now);
    entry.evaluation = { at: now.getTime(), value };
    return value;
  }

  /** Keep what was just appended (verified on the way in), so the next read need not re-read it. */
  remember(program: string, verified: VerifiedProgram): void {
    const cached = this.programs.get(program);
    if (cached === undefined || verified.state.seq > cached.state.seq) this.programs.set(program, { ...verified });
  }

  /** The store's head, from a lookup that starts no earlier than this call. */
  private headSinceNow(program: string): Promise<LedgerHead | null> {
    let lookups = this.lookups.get(program);
    if (lookups === undefined) {
      lookups = new HeadLookups(() => this.store.head(program), () => this.lookups.delete(program));
      this.lookups.set(program, lookups);
    }
    return lookups.next();
  }

  private exclusive<T>(program: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(program) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.locks.set(program, settled);
    void settled.then(() => {
      if (this.locks.get(program) === settled) this.locks.delete(program);
    });
    return run;
  }

  private async catchUp(program: string): Promise<CachedProgram> {
    const cached = this.programs.get(program) ?? EMPTY_PROGRAM;
    const read = await this.store.read(program, cached.state.seq + 1);
    if (read.lines.length === 0) return cached;
    const next: CachedProgram = await loadLines(cached, read);
    this.programs.set(program, next);
    return next;
  }
}

/**
 * Head lookups for one program, at most one in flight. A caller gets the lookup that will start
 * next: the one starting now when none is in flight, else the one that starts as soon as the
 * current one settles (shared by every caller that arrives meanwhile). Either way it started after
 * the caller asked, so it sees every write acknowledged before that.
 */
class HeadLookups {
  private inFlight = false;
  private waiting: { promise: Promise<LedgerHead | null>; resolve: (head: LedgerHead | null) => void; reject: (error: unknown) => void } | undefined;

  constructor(
    private readonly lookup: () => Promise<LedgerHead | null>,
    private readonly idle: () => void,
  ) {}

  next(): Promise<LedgerHead | null> {
    if (!this.inFlight) return this.run();
    if (this.waiting === undefined) {
      let resolve!: (head: LedgerHead | null) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<LedgerHead | null>((yes, no) => ((resolve = yes), (reject = no)));
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  private run(): Promise<LedgerHead | null> {
    this.inFlight = true;
    const result = this.lookup();
    const settle = () => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting !== undefined) this.run().then(waiting.resolve, waiting.reject);
      else {
        this.inFlight = false;
        this.idle();
      }
    };
    result.then(settle, settle);
    return result;
  }
}
