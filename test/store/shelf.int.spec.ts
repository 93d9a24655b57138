// The checkpoint shelf contract, over both shelves: the served folder's cache folder and PostgreSQL's
// checkpoints table. A shelf only keeps: whether a checkpoint may be trusted is decided by the
// verified program (`app/stored-ledger.ts`), from the stored lines that `lineBatches` hands back.
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/ledger/chain.js';
import { chain } from './conformance.js';
import { SHELVES } from './stores.js';

for (const [name, create] of Object.entries(SHELVES)) {
  describe(`${name}: CheckpointShelf`, () => {
    it('keeps nothing at first, then exactly the text kept; a checkpoint at a later seq is not replaced by an earlier one unless it was set aside', async () => {
      const { store, dispose } = await create();
      try {
        await store.append('alpha', null, chain('alpha', 3));
        expect(await store.checkpointOf('alpha')).toBeNull();
        await store.keepCheckpoint('alpha', 2, '{"seq":2,"text":"two"}');
        expect(await store.checkpointOf('alpha')).toBe('{"seq":2,"text":"two"}');
        await store.keepCheckpoint('alpha', 3, '{"seq":3,"text":"three"}');
        await store.keepCheckpoint('alpha', 1, '{"seq":1,"text":"one"}');
        expect(await store.checkpointOf('alpha')).toBe('{"seq":3,"text":"three"}');
        await store.keepCheckpoint('alpha', 1, '{"seq":1,"text":"replacing"}', true);
        expect(await store.checkpointOf('alpha')).toBe('{"seq":1,"text":"replacing"}');
        expect(await store.checkpointOf('beta')).toBeNull();
      } finally {
        await dispose();
      }
    });

    it('hands back the stored lines of a seq range, in order, in batches', async () => {
      const { store, dispose } = await create();
      try {
        const events = chain('alpha', 2500);
        for (let i = 0; i < events.length; i += 500) await store.append('alpha', events[i - 1]?.hash ?? null, events.slice(i, i + 500));
        const lines: string[] = [];
        let batches = 0;
        for await (const batch of store.lineBatches('alpha', 7, 2400)) {
          lines.push(...batch);
          batches++;
        }
        expect(lines).toEqual(events.slice(6, 2400).map(serialize));
        expect(batches).toBeGreaterThan(0);
        const none: string[] = [];
        for await (const batch of store.lineBatches('beta', 1, 10)) none.push(...batch);
        expect(none).toEqual([]);
      } finally {
        await dispose();
      }
    });
  });
}
