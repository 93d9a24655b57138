// The server's cache of verified programs: reads share head lookups, but never one that started
// before they arrived, so no read is staler than a write acknowledged before it.
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { ProgramCache } from '../../src/server/program-cache.js';
import type { LedgerHead, LedgerRead, LedgerStore } from '../../src/store/ledger-store.js';
import { EXAMPLE_PROGRAM, exampleLines } from '../support/server.js';

/** A store holding the example's lines, whose head lookups answer only when the test says so. */
class GatedStore implements LedgerStore {
  held = 3;
  lookups: { seen: number; answer: () => void }[] = [];
  constructor(private readonly lines: readonly string[]) {}
  async read(_program: string, fromSeq = 1): Promise<LedgerRead> {
    return { source: 'gated', lines: this.lines.slice(fromSeq - 1, this.held) };
  }
  head(): Promise<LedgerHead | null> {
    const seen = this.held; // what a database lookup sees is fixed when it starts
    return new Promise((resolve) => {
      this.lookups.push({ seen, answer: () => resolve(seen === 0 ? null : (({ seq, hash }) => ({ seq, hash }))(JSON.parse(this.lines[seen - 1]!) as LedgerEvent)) });
    });
  }
  async append(): Promise<LedgerHead> {
    throw new Error('not used');
  }
  async listPrograms(): Promise<string[]> {
    return [EXAMPLE_PROGRAM];
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the program cache', () => {
  it('a read arriving while a lookup is in flight waits for a later lookup, which sees the write acknowledged meanwhile', async () => {
    const store = new GatedStore(exampleLines());
    const cache = new ProgramCache(store);
    const first = cache.current(EXAMPLE_PROGRAM);
    await settle();
    expect(store.lookups).toHaveLength(1);

    store.held = 5; // another replica commits and answers 201, while the first lookup is in flight
    const second = cache.current(EXAMPLE_PROGRAM);
    const third = cache.current(EXAMPLE_PROGRAM);
    await settle();
    expect(store.lookups).toHaveLength(1); // the later reads queue for one shared lookup

    store.lookups[0]!.answer();
    expect((await first).state.seq).toBeGreaterThanOrEqual(3); // its catch-up read may already see more
    await settle();
    expect(store.lookups).toHaveLength(2);
    expect(store.lookups[1]!.seen).toBe(5);
    store.lookups[1]!.answer();
    expect((await second).state.seq).toBe(5);
    expect((await third).state.seq).toBe(5);
  });

  it('a lookup that fails fails the reads that waited for it, and the next read starts a new one', async () => {
    const store = new GatedStore(exampleLines());
    let fail = true;
    const head = store.head.bind(store);
    store.head = () => (fail ? Promise.reject(new Error('database down')) : head());
    const cache = new ProgramCache(store);
    await expect(cache.current(EXAMPLE_PROGRAM)).rejects.toThrow('database down');
    fail = false;
    const read = cache.current(EXAMPLE_PROGRAM);
    await settle();
    store.lookups[0]!.answer();
    expect((await read).state.seq).toBe(3);
  });
});
