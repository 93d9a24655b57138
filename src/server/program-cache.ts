/**
 * The verified state of each program, cached by head. A request first asks the store for the head
 * (one indexed lookup), so an answer is never staler than the last acknowledged write, whichever
 * replica took it; only the lines after the cached head are read and verified. A refresh from a
 * notification (LISTEN/NOTIFY, or an append in this process) only makes the next request cheaper.
 */
import { evaluate, type Evaluation } from '../domain/evaluate.js';
import type { LedgerStore } from '../store/ledger-store.js';
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

  constructor(private readonly store: LedgerStore) {}

  /** The program verified up to the store's current head (EMPTY when the store has no such program). */
  async current(program: string): Promise<CachedProgram> {
    const fresh = await this.upToDate(program);
    return fresh ?? this.exclusive(program, () => this.catchUp(program));
  }

  /** Run `work` on the current program, alone for this program in this process (appends queue here rather than race the database). */
  withCurrent<T>(program: string, work: (entry: CachedProgram) => Promise<T>): Promise<T> {
    return this.exclusive(program, async () => work((await this.upToDate(program)) ?? (await this.catchUp(program))));
  }

  /** The cached entry when it is at the store's head; undefined when lines must be read. */
  private async upToDate(program: string): Promise<CachedProgram | undefined> {
    const head = await this.store.head(program);
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
