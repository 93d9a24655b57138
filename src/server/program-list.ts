/**
 * The list of programs a server shows (`GET /v1/programs`, the overview): read from the summaries
 * kept beside the ledgers (`domain/summary.ts`), sorted by urgency at the request's time from the
 * stored ranks, paged by a cursor. No program is loaded or evaluated to list or sort it.
 *
 * Programs whose summary is missing (a store written before summaries were kept) are summarised
 * before the first list is answered, once per process; those of another build, or whose next
 * change has come, are summarised again in the background, a batch at a time, and leave memory
 * afterwards unless a reader had loaded them.
 */
import { summaryBuild } from '../app/program-summary.js';
import { summaryStaleAt, type ProgramSummary } from '../domain/summary.js';
import { URGENCY_ORDER, type Urgency } from '../domain/urgency.js';
import { invalidInput, LedgerVerificationError } from '../errors.js';
import type { SummaryDue, SummaryShelf } from '../store/ledger-store.js';
import type { ProgramCache } from './program-cache.js';

export interface ListQuery {
  readonly limit: number;
  readonly cursor?: string;
  /** Only programs whose move it is of this party. */
  readonly party?: string;
  /** Only programs of this urgency. */
  readonly state?: Urgency;
}

export interface ListedProgram {
  readonly summary: ProgramSummary;
  /** The urgency at the list's time (the stored one, or the one from its next change on). */
  readonly urgency: Urgency;
}

export interface ListPage {
  readonly programs: readonly ListedProgram[];
  /** The cursor of the next page, or null after the last. */
  readonly next: string | null;
}

export interface FailingProgram {
  readonly id: string;
  readonly line: number;
  readonly seq: number | null;
  readonly fault: string;
  readonly message: string;
}

/** How many programs are summarised per round of the background sweep. */
const SWEEP_BATCH = 100;

export class ProgramList {
  private missing: Promise<void> | undefined;
  private sweeping: Promise<void> | undefined;
  /** Whether this process has asked for the summaries of another build, and those behind their ledger, yet. */
  private startChecked = false;
  private stopped = false;

  constructor(
    private readonly shelf: SummaryShelf,
    private readonly cache: ProgramCache,
    private readonly now: () => Date,
    private readonly log?: { warn(message: string): void },
  ) {}

  /**
   * One page, as `page` gives it, with the summaries on it that time has changed since they were
   * made (past their `nextChangeAt`) made again first: what a page shows (how late, whose move) is
   * as of now. Only the programs on the page are evaluated, never to sort.
   */
  async freshPage(query: ListQuery, readable: (summary: ProgramSummary) => boolean, at = this.now()): Promise<ListPage> {
    const page = await this.page(query, readable, at);
    const programs = await Promise.all(
      page.programs.map(async (listed) => {
        if (!summaryStaleAt(listed.summary, at)) return listed;
        const record = await this.cache.refreshSummary(listed.summary.program).catch(() => null);
        return record === null ? listed : { summary: JSON.parse(record.body) as ProgramSummary, urgency: listed.urgency };
      }),
    );
    return { programs, next: page.next };
  }

  /**
   * One page of programs the caller may read (`readable`), most urgent first. Pages are filled to
   * `limit` with readable programs, so a caller who may read few still gets full pages.
   */
  async page(query: ListQuery, readable: (summary: ProgramSummary) => boolean, at = this.now()): Promise<ListPage> {
    await this.summariseMissing();
    const failing = new Set(this.failing().map((f) => f.id));
    let after = query.cursor === undefined ? undefined : cursorFrom(query.cursor);
    const programs: ListedProgram[] = [];
    for (;;) {
      const page = await this.shelf.summaries({
        at,
        limit: Math.max(query.limit - programs.length, 1) + 16,
        ...(after === undefined ? {} : { after }),
        ...(query.party === undefined ? {} : { party: query.party }),
        ...(query.state === undefined ? {} : { rank: URGENCY_ORDER.indexOf(query.state) }),
      });
      for (const row of page.rows) {
        after = { rank: row.rank, program: row.program };
        const summary = JSON.parse(row.body) as ProgramSummary;
        // A program found failing verification here is listed as such, not by the summary it had.
        if (!readable(summary) || failing.has(row.program)) continue;
        programs.push({ summary, urgency: URGENCY_ORDER[row.rank] ?? summary.urgency });
        if (programs.length === query.limit) {
          const last = page.more || row !== page.rows[page.rows.length - 1];
          return { programs, next: last ? cursorOf(after) : null };
        }
      }
      if (!page.more) return { programs, next: null };
    }
  }

  /**
   * The programs whose stored lines failed verification when this process loaded them (for a list,
   * a read, or a summary), until their head changes. A summary was made from verified lines: a
   * row edited behind the store's guard is found when the program is next loaded, not by a list.
   */
  failing(): FailingProgram[] {
    return this.cache.failedLoads().map(({ program, error }) => ({ id: program, line: error.line, seq: error.seq, fault: error.fault, message: error.message }));
  }

  /** Every readable program, a page at a time (the unpaged `GET /v1/programs`). */
  async *all(readable: (summary: ProgramSummary) => boolean, pageSize = 1000): AsyncGenerator<readonly ListedProgram[]> {
    const at = this.now();
    let cursor: string | undefined;
    do {
      const page = await this.page({ limit: pageSize, ...(cursor === undefined ? {} : { cursor }) }, readable, at);
      if (page.programs.length > 0) yield page.programs;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
  }

  /** Summarise the programs that have no summary yet: once per process, before the first list. */
  summariseMissing(): Promise<void> {
    this.missing ??= this.summariseDue({ why: 'missing' }).catch((error: unknown) => {
      this.missing = undefined;
      throw error;
    });
    return this.missing;
  }

  /**
   * Summarise again (in the background; one sweep at a time) those whose next change has come, and
   * on the first sweep of this process those made by another build and those behind their ledger
   * (a server stopped between an append and its summary): while this process runs, each append it
   * takes keeps its summary, so asking these of every program once is enough.
   */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      if (!this.startChecked) {
        await this.summariseDue({ why: 'build', build: summaryBuild() });
        await this.summariseDue({ why: 'behind' });
        this.startChecked = true;
      }
      await this.summariseDue({ why: 'time', at: this.now() });
    })().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Stop sweeping (a graceful stop): the sweep in flight ends after the program it is on. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.sweeping?.catch(() => undefined);
  }

  private async summariseDue(reason: SummaryDue): Promise<void> {
    // Each program is tried once per run: one that cannot be summarised (no lines yet) does not hold it up.
    const tried = new Set<string>();
    for (;;) {
      const due = (await this.shelf.summariesDue(SWEEP_BATCH + tried.size, reason)).filter((id) => !tried.has(id));
      if (due.length === 0) return;
      for (const id of due) {
        if (this.stopped && reason.why !== 'missing') return;
        tried.add(id);
        try {
          await this.cache.refreshSummary(id);
        } catch (error) {
          if (!(error instanceof LedgerVerificationError)) throw error;
          this.log?.warn(`program ${id}: not listed by its summary, its stored lines fail verification: ${error.message}`);
        }
      }
    }
  }
}

/** A cursor: where the last page ended, opaque to clients. */
function cursorOf(after: { readonly rank: number; readonly program: string }): string {
  return Buffer.from(JSON.stringify([after.rank, after.program]), 'utf8').toString('base64url');
}

function cursorFrom(text: string): { rank: number; program: string } {
  try {
    const [rank, program] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if (Number.isInteger(rank) && typeof program === 'string') return { rank: rank as number, program };
  } catch {
    // named below
  }
  throw invalidInput({ source: 'the query', field: 'cursor', expected: 'the `next` cursor of an earlier page, as given', found: JSON.stringify(text) });
}
