/**
 * The verified state of each program, cached by head. A read first learns the store's head from a
 * lookup that started after the request arrived, so an answer is never staler than the last
 * acknowledged write, whichever replica took it; only the lines after the cached head are read and
 * verified. Reads that arrive while a lookup is in flight share the next one (at most one lookup in
 * flight per program), so under load one round trip answers a whole batch of requests.
 * A refresh from a notification (LISTEN/NOTIFY, or an append in this process) only makes the next
 * request cheaper.
 *
 * When the store keeps checkpoints (PostgreSQL), a program this process has not loaded yet starts
 * from its checkpoint, once the stored lines it covers are proved unchanged
 * (`program-checkpoint.ts`), and only the lines after it are verified. The checkpoint moves forward
 * when the verified head is `checkpointEvery` events past it (after a load, a catch-up or an
 * append), and for every program at a graceful stop (`keepCheckpoints`). So a restart verifies at
 * most that many events per program after a crash, none after SIGTERM, and a busy program writes
 * its checkpoint (about 12 kB at 100,000 events) once per thousand appends, not on each.
 */
import { foldOf } from '../app/verified-ledger.js';
import { evaluate, type Evaluation } from '../domain/evaluate.js';
import { keepsCheckpoints, type CheckpointShelf, type LedgerHead, type LedgerStore } from '../store/ledger-store.js';
import { EMPTY_PROGRAM, loadLines, type VerifiedProgram } from './admit-events.js';
import type { ServerMetrics } from './metrics.js';
import { checkpointOf, LedgerDigest, resumeAtCheckpoint } from './program-checkpoint.js';

export interface CachedProgram extends VerifiedProgram {
  /** The evaluation last computed, and the time it was computed at. */
  evaluation?: { readonly at: number; readonly value: Evaluation };
  /** The digest of the stored lines up to this state (when checkpoints are kept and it is known). */
  readonly digest?: LedgerDigest;
}

export interface ProgramCacheOptions {
  /** Where counts of loads, verified events and checkpoints go. */
  readonly metrics?: ServerMetrics;
  /** Why a checkpoint was set aside (warn), where a load resumed (info). */
  readonly log?: { info(message: string): void; warn(message: string): void };
  /** Keep a checkpoint when the verified head is this many events past the kept one (default 1,000). */
  readonly checkpointEvery?: number;
  /** The identity of the code that folds (default: this build's). */
  readonly fold?: string;
}

const CHECKPOINT_EVERY = 1000;

/** How long an evaluation is reused for the same head: deadlines move with the clock, not only with events. */
const EVALUATION_REUSE_MS = 1000;

export class ProgramCache {
  private readonly programs = new Map<string, CachedProgram>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly lookups = new Map<string, HeadLookups>();
  /** The seq of each program's checkpoint as kept (as far as this process knows). */
  private readonly kept = new Map<string, number>();
  /** Programs whose kept checkpoint was found unusable: replaced as soon as they are verified. */
  private readonly setAside = new Set<string>();
  private readonly shelf: CheckpointShelf | undefined;

  constructor(
    private readonly store: LedgerStore,
    private readonly options: ProgramCacheOptions = {},
  ) {
    this.shelf = keepsCheckpoints(store) ? store : undefined;
  }

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

  /**
   * Keep what was just appended (verified on the way in, stored as `lines` after `before`), so the
   * next read need not re-read it. Call it from `withLatest`, after the store took the lines.
   */
  async remember(program: string, before: CachedProgram, verified: VerifiedProgram, lines: readonly string[]): Promise<void> {
    const cached = this.programs.get(program);
    if (cached !== undefined && verified.state.seq <= cached.state.seq) return;
    // The digest follows only when the lines continue the very state it covers.
    const digest = before.digest !== undefined && before.state.seq + lines.length === verified.state.seq ? before.digest : undefined;
    digest?.add(lines);
    const next: CachedProgram = { ...verified, ...(digest === undefined ? {} : { digest }) };
    this.programs.set(program, next);
    await this.keepIfDue(program, next);
  }

  /**
   * Keep a checkpoint at the verified head of every program past its kept one (a graceful stop).
   * The first write that fails ends it: with the database gone, each would wait for a connection.
   */
  async keepCheckpoints(): Promise<void> {
    for (const program of [...this.programs.keys()]) {
      if (!(await this.exclusive(program, () => this.keepIfDue(program, this.programs.get(program), 1)))) return;
    }
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
    const cached = this.programs.get(program) ?? (await this.start(program));
    const read = await this.store.read(program, cached.state.seq + 1);
    if (read.lines.length === 0) {
      if (cached.state.seq > 0) this.programs.set(program, cached);
      return cached;
    }
    const verified = await loadLines(cached, read);
    this.options.metrics?.verifiedEvents.inc({}, read.lines.length);
    // Only lines that verified are digested: the digest never runs ahead of the state.
    cached.digest?.add(read.lines);
    const next: CachedProgram = { ...verified, ...(cached.digest === undefined ? {} : { digest: cached.digest }) };
    this.programs.set(program, next);
    await this.keepIfDue(program, next);
    return next;
  }

  /** A program this process has not loaded: from its checkpoint when one is kept and proved, else from nothing. */
  private async start(program: string): Promise<CachedProgram> {
    const { metrics, log } = this.options;
    if (this.shelf === undefined) return EMPTY_PROGRAM;
    const found = await resumeAtCheckpoint(this.shelf, program, this.fold());
    if (found !== null && 'resumed' in found) {
      const { program: at, digest } = found.resumed;
      this.kept.set(program, at.state.seq);
      metrics?.loads.inc({ from: 'checkpoint' });
      metrics?.resumedEvents.inc({}, at.state.seq);
      log?.info(`program ${program}: resumed at its checkpoint at seq ${at.state.seq} (the stored lines before it hash as it recorded); verifying only the events after it`);
      return { ...at, digest };
    }
    if (found !== null) {
      this.setAside.add(program);
      metrics?.checkpointsIgnored.inc();
      log?.warn(`program ${program}: ${found.note}`);
    }
    metrics?.loads.inc({ from: 'start' });
    return { ...EMPTY_PROGRAM, digest: new LedgerDigest() };
  }

  /**
   * Keep a checkpoint at `entry` when it is `every` or more events past the kept one; false when
   * that failed (logged: a failure to keep one costs a restart time, nothing else).
   */
  private async keepIfDue(program: string, entry: CachedProgram | undefined, every = this.options.checkpointEvery ?? CHECKPOINT_EVERY): Promise<boolean> {
    if (this.shelf === undefined || entry?.digest === undefined || entry.state.seq === 0) return true;
    const replacing = this.setAside.has(program);
    const kept = this.kept.get(program) ?? 0;
    if (!replacing && entry.state.seq - kept < every) return true;
    try {
      await this.shelf.keepCheckpoint(program, entry.state.seq, checkpointOf(entry, entry.digest, this.fold()), replacing);
      this.kept.set(program, entry.state.seq);
      this.setAside.delete(program);
      this.options.metrics?.checkpointsWritten.inc();
      return true;
    } catch (error) {
      this.options.log?.warn(`program ${program}: its checkpoint at seq ${entry.state.seq} could not be kept (${(error as Error).message}); a restart verifies more`);
      return false;
    }
  }

  private fold(): string {
    return this.options.fold ?? foldOf();
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
