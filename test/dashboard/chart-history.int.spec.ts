/**
 * The charts' history (src/server/dashboard/chart-events.ts) over a real folder store: read once,
 * extended by the lines added since, and read again whole when the ledger is another history.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { chartHistory } from '../../src/server/dashboard/chart-events.js';
import { FileLedgerStore } from '../../src/store/file-store.js';
import { tempDir } from '../support/cli.js';
import { exampleLines, headOf, recordedAfter } from '../support/server.js';

// Each test its own program id: the history is kept per program, for the life of the server.
function storeWith(program: string, lines: readonly string[]): { store: FileLedgerStore; file: string } {
  const dir = tempDir();
  const file = join(dir, `${program}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return { store: new FileLedgerStore({ dir }), file };
}

const shape = (h: Awaited<ReturnType<typeof chartHistory>>) => h.events.map((e) => (e.kind === 'phase' ? `${e.seq} phase ${e.phase} ${e.step}` : `${e.seq} ${e.party} ${e.verdict} ${e.decision}`));

describe('chart history', () => {
  it('phase steps and verdicts with each event time; extended by the lines added since', async () => {
    const lines = exampleLines();
    const { store, file } = storeWith('chart-a', lines.slice(0, 4));
    const first = await chartHistory(store, 'chart-a', 4, headOf(lines.slice(0, 4)));
    expect(shape(first)).toEqual(['2 phase 7 started', '3 memorykernel GO rehearsal-continuation', '4 assistsupport GO rehearsal-continuation']);
    expect(first.times).toEqual(lines.slice(0, 4).map((l) => (JSON.parse(l) as LedgerEvent).at));
    appendFileSync(file, lines.slice(4).join('\n') + '\n');
    const later = await chartHistory(store, 'chart-a', 7, headOf(lines));
    expect(shape(later).slice(3)).toEqual(['5 memorykernel NO-GO runtime-cutover', '6 assistsupport NO-GO runtime-cutover', '7 phase 7 closed']);
    expect(later.times.length).toBe(7);
  });

  it('a ledger that does not continue the one kept is read again whole', async () => {
    const lines = exampleLines();
    const { store, file } = storeWith('chart-b', lines.slice(0, 4));
    await chartHistory(store, 'chart-b', 4, headOf(lines.slice(0, 4)));
    // Another history of the same program: line 4 differs (a NO-GO instead of the GO).
    const other = [...lines.slice(0, 3), recordedAfter(lines.slice(0, 3), { type: 'cast-verdict', actor: 'assistsupport-runtime-owner', at: '2026-02-06T15:30:00.000Z', decision: 'rehearsal-continuation', verdict: 'NO-GO' })];
    const more = recordedAfter(other, { type: 'raise-blocker', actor: 'integration-program-owner', at: '2026-02-07T00:00:00.000Z', text: 't', owner: 'integration-program-owner', due: '2026-03-01' });
    writeFileSync(file, [...other, more].join('\n') + '\n');
    const again = await chartHistory(store, 'chart-b', 5, headOf([...other, more]));
    expect(shape(again)).toEqual(['2 phase 7 started', '3 memorykernel GO rehearsal-continuation', '4 assistsupport NO-GO rehearsal-continuation']);
    expect(again.head).toBe(headOf([...other, more]));
  });
});
