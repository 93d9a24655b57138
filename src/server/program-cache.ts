/**
 * The verified state of each program, cached by head. A read first learns the store's head from a
 * lookup that started after the request arrived, so an answer is never staler than the last
 * acknowledged write, whichever replica took it; only the lines after the cached head are read and
 * verified. Reads that arrive while a lookup is in flight share the next one (at most one lookup in
 * flight per program), so under load one round trip answers a whole batch of requests.
 * A refresh from a notification (LISTEN/NOTIFY, or an append in this process) only makes the next
 * request cheaper.
 *
 * Each program is the one verified program of `src/app` over the store (`StoredLedger`): this
 * cache adds only what a server needs on top (fresh heads, one writer per program per process,
 * evaluations reused for a second), never a rule of its own. When the store keeps checkpoints
 * (PostgreSQL, a folder with a cache), a program this process has not loaded yet starts from its
 * checkpoint, once the stored lines it covers are proved unchanged (`app/stored-ledger.ts`), and
 * only the lines after it are verified. The checkpoint moves forward
 * when the verified head is `checkpointEvery` events past it (after a load, a catch-up or an
 * append), and for every program at a graceful stop (`keepCheckpoints`). So a restart verifies at
 * most that many events per program after a crash, none after SIGTERM, and a busy program writes
 * its checkpoint (about 12 kB at 100,000 events) once per thousand appends, not on each.
 */
import { StoredLedger, type StoredPosition } from '../app/stored-ledger.js';
import { VerifiedProgram, type Attempt, type RetryPolicy } from '../app/verified-program.js';
import { evaluate, type Evaluation } from '../domain/evaluate.js';
import { initialState, type ProgramState } from '../domain/state.js';
import type { LedgerEvent } from '../domain/events.js';
import { keepsCheckpoints, keepsSummaries, type LedgerHead, type LedgerStore, type SummaryRecord, type SummaryShelf } from '../store/ledger-store.js';
import { LedgerVerificationError } from '../errors.js';
import type { ServerMetrics } from './metrics.js';

/** A program as verified at one head, with the evaluation last computed on it. */
export interface CachedProgram {
  readonly state: ProgramState;
  readonly last: LedgerEvent | null;
  /** The evaluation last computed, and the time it was computed at. */
  evaluation?: { readonly at: number; readonly value: Evaluation };
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
  /** The clock summaries are made with (default: the system's). */
  readonly now?: () => Date;
  /** Where each program's summary is kept as it moves (default: the store, when it keeps them). */
  readonly summaries?: SummaryShelf;
  /**
   * Let programs not read for the longest leave memory once the loaded ones are estimated to take
   * more than this many bytes (default: no bound). Each is estimated at a fixed base and a
   * kibibyte per event (34 KiB a 30-event program was measured, issue 26).
   */
  readonly memoryBudget?: number;
}

/** The estimate of what a loaded program holds in memory: a base, and a kibibyte per event. */
export function estimatedBytes(seq: number): number {
  return 16 * 1024 + seq * 1024;
}

const CHECKPOINT_EVERY = 1000;

/** How long an evaluation is reused for the same head: deadlines move with the clock, not only with events. */
const EVALUATION_REUSE_MS = 1000;

const EMPTY_PROGRAM: CachedProgram = { state: initialState(), last: null };

/** A lost race on the store is decided once more on what the other writer added, then answered 409. */
const ONE_RETRY: RetryPolicy = { attempts: 2, pause: () => 0, sleep: async () => undefined };

interface Entry {
  readonly program: VerifiedProgram<StoredPosition>;
  readonly access: StoredLedger;
  /** Its estimated bytes, as counted in the cache's total. */
  bytes?: number;
  /** The snapshot at the program's current head (evaluations are reused on it). */
  snapshot: CachedProgram;
}

export class ProgramCache {
  /** The loaded programs, the least recently read first. */
  private readonly programs = new Map<string, Entry>();
  /** Their estimated bytes in all. */
  private bytes = 0;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly lookups = new Map<string, HeadLookups>();
  /** Loads that failed verification, with the store's head they failed at. */
  private readonly failures = new Map<string, { readonly head: string | null; readonly error: LedgerVerificationError }>();

  constructor(
    private readonly store: LedgerStore,
    private readonly options: ProgramCacheOptions = {},
  ) {}

  /**
   * The program verified up to the store's current head (EMPTY when the store has no such program).
   * A store found behind the cached state, or with another line at its head (a restored backup, a
   * fail-over to a lagging standby), is believed after it verifies: the cached state is dropped.
   * A load that failed verification is remembered, and thrown again without verifying, until the
   * program's head in the store changes.
   */
  async current(program: string): Promise<CachedProgram> {
    const head = await this.headSinceNow(program);
    const cached = this.programs.get(program);
    if (cached !== undefined && cached.snapshot.state.head === (head?.hash ?? null)) {
      this.touch(program, cached);
      return cached.snapshot;
    }
    const failed = this.failures.get(program);
    if (failed !== undefined && failed.head === (head?.hash ?? null)) throw failed.error;
    if (cached === undefined && head === null) return EMPTY_PROGRAM;
    return this.exclusive(program, () => this.caughtUp(program, head));
  }

  /** The programs whose load failed verification here, at the store's head they failed at (until it changes). */
  failedLoads(): { readonly program: string; readonly error: LedgerVerificationError }[] {
    return [...this.failures].map(([program, f]) => ({ program, error: f.error }));
  }

  /** The program as last verified here, without asking the store (undefined: not loaded): who may read it is judged on it without a second head lookup per request. */
  peek(program: string): CachedProgram | undefined {
    return this.programs.get(program)?.snapshot;
  }

  /** Catch up with the store as `head` says it is now: forward when it moved on, from scratch when it went back. */
  private async caughtUp(program: string, head: LedgerHead | null): Promise<CachedProgram> {
    let entry = this.programs.get(program);
    if (entry !== undefined && this.rewound(entry, head)) {
      this.drop(program, entry, head);
      entry = undefined;
    }
    try {
      entry ??= await this.load(program);
      await entry.program.catchUp();
      this.failures.delete(program);
      return this.snapshotOf(entry);
    } catch (error) {
      this.forget(program);
      if (error instanceof LedgerVerificationError) {
        this.failures.set(program, { head: head?.hash ?? null, error });
        this.options.metrics?.failedLoads.inc();
      }
      throw error;
    }
  }

  /** Is the store behind the cached state, or does it hold another line at the cached head's seq? */
  private rewound(entry: Entry, head: LedgerHead | null): boolean {
    const { seq, head: hash } = entry.program.state;
    return head === null || head.seq < seq || (head.seq === seq && head.hash !== hash);
  }

  private drop(program: string, entry: Entry, head: LedgerHead | null): void {
    this.forget(program);
    this.options.metrics?.storeRewound.inc();
    this.options.log?.warn(
      `program ${program}: the store holds ${head === null ? 'no such program' : `seq ${head.seq} (${head.hash})`}, behind or beside the verified seq ${entry.program.state.seq} (${entry.program.state.head}): a restored backup or a lagging standby? Serving what the store holds, once it verifies`,
    );
  }

  /**
   * Decide and append on the program as this process last verified it, alone for this program in
   * this process (appends queue here rather than race the database). No lookup first: the store's
   * append is guarded by the expected head anyway, and the verified program catches up on a stale one.
   */
  withProgram<T>(program: string, decide: (current: VerifiedProgram<StoredPosition>, attempt: number) => Promise<Attempt<T>>, expectedHead?: string | null): Promise<T> {
    return this.exclusive(program, async () => {
      let entry = this.programs.get(program);
      // A writer that expects another head than the one verified here may have read a store that went back: look.
      if (entry !== undefined && expectedHead !== undefined && entry.program.state.head !== expectedHead) {
        const head = await this.store.head(program);
        if (this.rewound(entry, head)) {
          this.drop(program, entry, head);
          entry = undefined;
        }
      }
      entry ??= await this.load(program);
      try {
        return await entry.program.decideAndAppend(decide, ONE_RETRY);
      } finally {
        this.snapshotOf(entry);
      }
    });
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
   * Make `program`'s summary again, now (its summary is missing, of another build, or its next
   * change has come), with the program verified up to the store's head; null when there is no
   * shelf or no such program. A program loaded only for this leaves memory again, its checkpoint
   * kept first (the next load verifies nothing twice).
   */
  async refreshSummary(program: string): Promise<SummaryRecord | null> {
    if (this.summaryShelf() === undefined) return null;
    const wasLoaded = this.programs.has(program);
    await this.current(program);
    return this.exclusive(program, async () => {
      const entry = this.programs.get(program);
      if (entry === undefined) return null;
      let record: SummaryRecord | null = null;
      await entry.program.tend(async (at) => {
        record = await entry.access.keepSummary(at);
        return { position: at, ok: true };
      });
      if (!wasLoaded) await this.unload(program, entry);
      return record;
    });
  }

  /** Let a program leave memory, its checkpoint kept at its head first; a later read loads it again. */
  private async unload(program: string, entry: Entry): Promise<void> {
    await entry.program.tend((at) => entry.access.keepCheckpoint(at));
    if (this.programs.get(program) === entry) {
      this.programs.delete(program);
      this.bytes -= entry.bytes ?? 0;
    }
  }

  /**
   * Keep a checkpoint at the verified head of every program past its kept one (a graceful stop).
   * The first write that fails ends it: with the database gone, each would wait for a connection.
   */
  async keepCheckpoints(): Promise<void> {
    for (const program of [...this.programs.keys()]) {
      const ok = await this.exclusive(program, async () => {
        const entry = this.programs.get(program);
        return entry === undefined ? true : entry.program.tend((at) => entry.access.keepCheckpoint(at));
      });
      if (!ok) return;
    }
  }

  private async load(program: string): Promise<Entry> {
    const { metrics, log } = this.options;
    const shelf = keepsCheckpoints(this.store) ? this.store : undefined;
    const access = new StoredLedger(this.store, program, {
      ...(shelf === undefined ? {} : { checkpoints: { shelf, every: this.options.checkpointEvery ?? CHECKPOINT_EVERY, ...(this.options.fold === undefined ? {} : { fold: this.options.fold }) } }),
      ...((summaries) => (summaries === undefined ? {} : { summaries: { shelf: summaries, now: this.options.now ?? (() => new Date()) } }))(this.summaryShelf()),
      observer: {
        loaded: (from, resumed) => {
          metrics?.loads.inc({ from });
          if (resumed > 0) metrics?.resumedEvents.inc({}, resumed);
        },
        resumed: (seq) => log?.info(`program ${program}: resumed at its checkpoint at seq ${seq} (the stored lines before it hash as it recorded); verifying only the events after it`),
        verified: (events) => metrics?.verifiedEvents.inc({}, events),
        setAside: (note) => {
          metrics?.checkpointsIgnored.inc();
          log?.warn(`program ${program}: ${note}`);
        },
        checkpointKept: () => metrics?.checkpointsWritten.inc(),
        checkpointFailed: (seq, error) => log?.warn(`program ${program}: its checkpoint at seq ${seq} could not be kept (${error.message}); a restart verifies more`),
        summaryFailed: (seq, error) => log?.warn(`program ${program}: its summary at seq ${seq} could not be kept (${error.message}); lists show the one before until it is read again`),
      },
    });
    const verified = await VerifiedProgram.open(access);
    // A checkpoint as soon as lines were verified: a graceful stop then writes only for programs
    // appended to since, and a program let go of loads again without verifying anything twice.
    if (verified.read !== 'checkpoint' && verified.state.seq > 0) await verified.tend((at) => access.keepCheckpoint(at));
    const entry: Entry = { program: verified, access, snapshot: EMPTY_PROGRAM };
    if (verified.state.seq > 0) this.programs.set(program, entry);
    return entry;
  }

  private summaryShelf(): SummaryShelf | undefined {
    return this.options.summaries ?? (keepsSummaries(this.store) ? this.store : undefined);
  }

  private snapshotOf(entry: Entry): CachedProgram {
    const { state, last } = entry.program;
    if (entry.snapshot.state !== state) entry.snapshot = { state, last };
    if (state.seq > 0) this.touch(state.program!, entry);
    return entry.snapshot;
  }

  /** Count `program` as read now (the last to leave memory), and let the longest unread go while over the budget. */
  private touch(program: string, entry: Entry): void {
    const held = this.programs.get(program);
    if (held !== undefined) this.bytes -= held.bytes ?? 0;
    this.programs.delete(program);
    entry.bytes = estimatedBytes(entry.program.state.seq);
    this.bytes += entry.bytes;
    this.programs.set(program, entry);
    const budget = this.options.memoryBudget;
    if (budget === undefined || this.bytes <= budget) return;
    for (const [id, other] of this.programs) {
      if (this.bytes <= budget) break;
      // One being read or written stays; the one just read stays.
      if (id === program || this.locks.has(id)) continue;
      this.bytes -= other.bytes ?? 0;
      this.programs.delete(id);
      void this.exclusive(id, () => this.unload(id, other)).catch(() => undefined);
    }
  }

  private forget(program: string): void {
    this.bytes -= this.programs.get(program)?.bytes ?? 0;
    this.programs.delete(program);
  }

  /** How many programs are loaded now, and their estimated bytes. */
  loaded(): { readonly programs: number; readonly bytes: number } {
    return { programs: this.programs.size, bytes: this.bytes };
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
