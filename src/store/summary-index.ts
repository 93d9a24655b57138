/**
 * Summaries held in memory and queried as the PostgreSQL store's SQL does (the same order, filters
 * and cursor): how `serve --data` lists 10,000 programs without opening 10,000 files per request.
 * What the store keeps is read once, on the first query; every summary kept after that is kept here too.
 */
import { rankAt, summaryStaleAt } from '../domain/summary.js';
import type { LedgerStore, SummaryDue, SummaryPage, SummaryQuery, SummaryRecord, SummaryShelf } from './ledger-store.js';

export class SummaryIndex {
  private readonly held = new Map<string, SummaryRecord>();

  /** Keep `record` unless one at a later seq is held (forward only, as the stores keep them). */
  keep(record: SummaryRecord): boolean {
    const held = this.held.get(record.program);
    if (held !== undefined && held.seq > record.seq) return false;
    this.held.set(record.program, record);
    return true;
  }

  get size(): number {
    return this.held.size;
  }

  records(): SummaryRecord[] {
    return [...this.held.values()];
  }

  query(query: SummaryQuery): SummaryPage {
    const ranked: { program: string; rank: number; body: string }[] = [];
    for (const r of this.held.values()) {
      const rank = rankAt(r, query.at);
      if (query.rank !== undefined && rank !== query.rank) continue;
      if (query.party !== undefined && !r.waitingOn.includes(query.party)) continue;
      if (query.after !== undefined && (rank < query.after.rank || (rank === query.after.rank && r.program <= query.after.program))) continue;
      ranked.push({ program: r.program, rank, body: r.body });
    }
    // Byte order of ids, as PostgreSQL's COLLATE "C".
    ranked.sort((a, b) => a.rank - b.rank || (a.program < b.program ? -1 : a.program > b.program ? 1 : 0));
    return { rows: ranked.slice(0, query.limit), more: ranked.length > query.limit };
  }

  /**
   * Those whose summary is due for the reason given, in program order: of the store's `programs` for
   * `missing` and `behind` (`headOf` tells a program's last seq), of the summaries held for the
   * others (the store is not listed for a sweep of what time changed).
   */
  async due(programs: () => Promise<readonly string[]>, limit: number, why: SummaryDue, headOf: (program: string) => Promise<number>): Promise<string[]> {
    const isDue = async (program: string, r: SummaryRecord | undefined): Promise<boolean> => {
      if (why.why === 'missing') return r === undefined;
      if (r === undefined) return false;
      if (why.why === 'build') return r.build !== why.build;
      if (why.why === 'behind') return (await headOf(program)) > r.seq;
      return summaryStaleAt(r, why.at);
    };
    const due: string[] = [];
    const among = why.why === 'missing' || why.why === 'behind' ? await programs() : [...this.held.keys()].sort();
    for (const program of among) {
      if (due.length >= limit) break;
      if (await isDue(program, this.held.get(program))) due.push(program);
    }
    return due;
  }
}

/** Summaries kept in memory only, for a store that keeps none beside its lines: made again after each start. */
export class MemorySummaryShelf implements SummaryShelf {
  private readonly index = new SummaryIndex();

  constructor(private readonly store: Pick<LedgerStore, 'listPrograms' | 'head'>) {}

  async keepSummary(record: SummaryRecord): Promise<void> {
    this.index.keep(record);
  }

  async summaries(query: SummaryQuery): Promise<SummaryPage> {
    return this.index.query(query);
  }

  async summariesDue(limit: number, due: SummaryDue): Promise<string[]> {
    return this.index.due(() => this.store.listPrograms(), limit, due, async (program) => (await this.store.head(program))?.seq ?? 0);
  }
}
