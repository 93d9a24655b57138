// Who posted, kept beside the lines by both server stores (the served folder's sidecar, PostgreSQL's
// posters table): a record covers the seqs of one post, and the ledger's own lines are untouched.
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/ledger/chain.js';
import { keepsPosters } from '../../src/store/ledger-store.js';
import { chain } from './conformance.js';
import { SHELVES } from './stores.js';

for (const [name, create] of Object.entries(SHELVES)) {
  describe(`${name}: PosterShelf`, () => {
    it('answers the record of the post that appended a seq, none outside any post, and leaves the lines as they were', async () => {
      const { store, dispose } = await create();
      try {
        expect(keepsPosters(store)).toBe(true);
        const events = chain('alpha', 5);
        await store.append('alpha', null, events.slice(0, 3));
        await store.keepPoster('alpha', 1, 3, '{"subject":"ci"}');
        await store.append('alpha', events[2]!.hash, events.slice(3, 4));
        await store.keepPoster('alpha', 4, 4, '{"subject":"alice"}');
        await store.append('alpha', events[3]!.hash, events.slice(4));
        expect(await store.posterOf('alpha', 1)).toBe('{"subject":"ci"}');
        expect(await store.posterOf('alpha', 3)).toBe('{"subject":"ci"}');
        expect(await store.posterOf('alpha', 4)).toBe('{"subject":"alice"}');
        expect(await store.posterOf('alpha', 5)).toBeNull();
        expect(await store.posterOf('beta', 1)).toBeNull();
        expect((await store.read('alpha')).lines).toEqual(events.map(serialize));
        expect(await store.listPrograms()).toEqual(['alpha']);
      } finally {
        await dispose();
      }
    });
  });
}
