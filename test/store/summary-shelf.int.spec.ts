// The summary shelf contract, over every shelf a server lists programs from: PostgreSQL's summaries
// table, the served folder's summary file, and the in-memory shelf of a store that keeps none. A list
// is sorted by the urgency rank at its time (the stored rank, or the one time moved it to), then by
// id in byte order; pages continue from a cursor; and each reason a summary is made again (none yet,
// another build, behind its ledger, its next change come) is asked on its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerStore, SummaryRecord, SummaryShelf } from '../../src/store/ledger-store.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { MemorySummaryShelf } from '../../src/store/summary-index.js';
import { freshPostgresStore } from '../support/postgres.js';
import { chain } from './conformance.js';

type Shelved = { store: LedgerStore; shelf: SummaryShelf; dispose(): Promise<void> };

async function servedFolder(): Promise<{ store: ServedFileStore; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-summary-shelf-'));
  return { store: new ServedFileStore({ dir: join(dir, 'data') }, join(dir, 'cache')), dispose: () => rm(dir, { recursive: true, force: true }) };
}

const SHELVES: Record<string, () => Promise<Shelved>> = {
  'postgres (summaries table)': async () => {
    const { store, dispose } = await freshPostgresStore();
    return { store, shelf: store, dispose };
  },
  'served folder (summary file)': async () => {
    const { store, dispose } = await servedFolder();
    return { store, shelf: store, dispose };
  },
  'memory (over a served folder)': async () => {
    const { store, dispose } = await servedFolder();
    return { store, shelf: new MemorySummaryShelf(store), dispose };
  },
};

const T = Date.parse('2027-03-01T12:00:00Z');
const at = (hours: number) => new Date(T + hours * 3_600_000);

function record(program: string, fields: Partial<SummaryRecord>): SummaryRecord {
  return {
    program,
    seq: 1,
    head: null,
    build: 'this-build',
    definition: null,
    nextChangeAt: null,
    waitingOn: [],
    body: JSON.stringify({ program }),
    rank: 2,
    rankChangesAt: null,
    rankThen: null,
    ...fields,
  };
}

for (const [name, create] of Object.entries(SHELVES)) {
  describe(`${name}: SummaryShelf`, () => {
    it('lists by the rank at the time asked, moved by time alone, paged and filtered; asks for each reason to summarise again on its own', async () => {
      const { store, shelf, dispose } = await create();
      try {
        for (const id of ['alpha', 'bravo', 'charlie', 'echo']) await store.append(id, null, chain(id, 1));
        await store.append('delta', null, chain('delta', 3)); // its summary (of seq 1) is behind its ledger
        await shelf.keepSummary(record('alpha', { rank: 2, waitingOn: ['producer'] }));
        // bravo becomes the most urgent an hour on; charlie the least two hours on.
        await shelf.keepSummary(record('bravo', { rank: 3, rankChangesAt: at(1).toISOString(), rankThen: 0, nextChangeAt: at(1).toISOString(), waitingOn: ['consumer'] }));
        await shelf.keepSummary(record('charlie', { rank: 1, rankChangesAt: at(2).toISOString(), rankThen: 4, nextChangeAt: at(2).toISOString(), waitingOn: ['producer', 'consumer'] }));
        await shelf.keepSummary(record('delta', { rank: 2, build: 'an-older-build' }));
        // A summary of an earlier seq never replaces a later one.
        await shelf.keepSummary(record('alpha', { seq: 2, rank: 2, waitingOn: ['producer'], body: '{"program":"alpha","seq":2}' }));
        await shelf.keepSummary(record('alpha', { seq: 1, rank: 0 }));

        const order = async (when: Date, query: Partial<Parameters<SummaryShelf['summaries']>[0]> = {}) =>
          (await shelf.summaries({ at: when, limit: 10, ...query })).rows.map((r) => `${r.program}:${r.rank}`);
        expect(await order(at(0))).toEqual(['charlie:1', 'alpha:2', 'delta:2', 'bravo:3']);
        expect(await order(at(1))).toEqual(['bravo:0', 'charlie:1', 'alpha:2', 'delta:2']);
        expect(await order(at(3))).toEqual(['bravo:0', 'alpha:2', 'delta:2', 'charlie:4']);
        expect((await shelf.summaries({ at: at(0), limit: 10 })).rows.find((r) => r.program === 'alpha')?.body).toBe('{"program":"alpha","seq":2}');

        // Pages of one follow one another to the same list, across the two ranks.
        const paged: string[] = [];
        let after: { rank: number; program: string } | undefined;
        for (;;) {
          const page = await shelf.summaries({ at: at(1.5), limit: 1, ...(after === undefined ? {} : { after }) });
          paged.push(...page.rows.map((r) => `${r.program}:${r.rank}`));
          const last = page.rows.at(-1);
          if (!page.more || last === undefined) break;
          after = { rank: last.rank, program: last.program };
        }
        expect(paged).toEqual(await order(at(1.5)));

        // Filters: whose move it is, and the rank at the time asked.
        expect(await order(at(3), { party: 'consumer' })).toEqual(['bravo:0', 'charlie:4']);
        expect(await order(at(0), { rank: 2 })).toEqual(['alpha:2', 'delta:2']);
        expect(await order(at(3), { rank: 4 })).toEqual(['charlie:4']);
        expect(await order(at(3), { rank: 2, after: { rank: 2, program: 'alpha' } })).toEqual(['delta:2']);

        // Each reason on its own.
        expect(await shelf.summariesDue(10, { why: 'missing' })).toEqual(['echo']);
        expect(await shelf.summariesDue(10, { why: 'build', build: 'this-build' })).toEqual(['delta']);
        expect(await shelf.summariesDue(10, { why: 'behind' })).toEqual(['delta']);
        expect(await shelf.summariesDue(10, { why: 'time', at: at(0) })).toEqual([]);
        expect(await shelf.summariesDue(10, { why: 'time', at: at(1.5) })).toEqual(['bravo']);
        expect((await shelf.summariesDue(10, { why: 'time', at: at(2) })).sort()).toEqual(['bravo', 'charlie']);
        expect(await shelf.summariesDue(1, { why: 'time', at: at(2) })).toHaveLength(1);
      } finally {
        await dispose();
      }
    });
  });
}
