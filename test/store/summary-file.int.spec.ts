/**
 * `serve --data` keeps summaries in one append-only file per folder in the cache: the last record
 * of a program wins at a restart (forward only), the file is rewritten short when it grew long, and
 * two folders sharing a cache keep theirs apart.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SummaryRecord } from '../../src/store/ledger-store.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { tempDir } from '../support/temp.js';

const record = (program: string, seq: number): SummaryRecord => ({ program, seq, head: `h${seq}`, build: 'b', definition: null, rank: seq % 4, rankChangesAt: null, rankThen: null, nextChangeAt: null, waitingOn: [], body: JSON.stringify({ program, seq }) });

describe('summaries of a served folder', () => {
  it('come back after a restart, the latest per program, in a file rewritten short when it grew long; folders sharing a cache stay apart', async () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    for (const folder of ['a', 'b']) {
      mkdirSync(join(dir, folder));
      writeFileSync(join(dir, folder, 'p.jsonl'), '{"program":"p"}\n'); // listed by its first line's program
    }
    const a = new ServedFileStore({ dir: join(dir, 'a') }, cache);
    for (let seq = 1; seq <= 300; seq++) await a.keepSummary(record('p', seq));
    await a.keepSummary(record('p', 299)); // behind: not kept
    const b = new ServedFileStore({ dir: join(dir, 'b') }, cache);
    await b.keepSummary(record('p', 7));

    const files = readdirSync(join(cache, 'served')).filter((f) => f.startsWith('summaries-'));
    expect(files).toHaveLength(2);
    const long = files.map((f) => readFileSync(join(cache, 'served', f), 'utf8').split('\n').length - 1).sort((x, y) => x - y);
    expect(long).toEqual([1, 300]);

    const again = new ServedFileStore({ dir: join(dir, 'a') }, cache);
    const page = await again.summaries({ at: new Date(), limit: 10 });
    expect(page.rows.map((r) => JSON.parse(r.body))).toEqual([{ program: 'p', seq: 300 }]);
    const after = files.map((f) => readFileSync(join(cache, 'served', f), 'utf8').split('\n').length - 1);
    expect(after.every((n) => n === 1)).toBe(true);
    expect((await new ServedFileStore({ dir: join(dir, 'b') }, cache).summaries({ at: new Date(), limit: 10 })).rows.map((r) => JSON.parse(r.body))).toEqual([{ program: 'p', seq: 7 }]);
  });
});
