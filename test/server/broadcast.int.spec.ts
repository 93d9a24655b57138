// One broadcast per program (issue 26 item 3), over real stores: an append is fetched from the
// store ONCE however many viewers follow the program, and each viewer is handed it exactly once.
// The store is the real one, wrapped only to count the calls made to it.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Broadcasts, type StreamedLine } from '../../src/server/broadcast.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { ServedFileStore } from '../../src/store/served-file-store.js';
import { tempDir } from '../support/cli.js';
import { freshPostgresStore } from '../support/postgres.js';
import { blockerAfter, EXAMPLE_PROGRAM, exampleLines, headOf } from '../support/server.js';
import type { LedgerEvent } from '../../src/domain/events.js';

const disposals: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose();
});

/** The store, and how many times each of its methods was called. */
function counted<S extends LedgerStore>(store: S): { store: S; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, calls };
}

/** `n` viewers of the program; resolves when each has been handed `count` lines. */
async function viewers(broadcasts: Broadcasts, n: number, count: number): Promise<{ received: StreamedLine[][]; all: Promise<void> }> {
  const received: StreamedLine[][] = [];
  const done: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const mine: StreamedLine[] = [];
    received.push(mine);
    let resolve!: () => void;
    done.push(new Promise<void>((r) => (resolve = r)));
    await broadcasts.subscribe(EXAMPLE_PROGRAM, {
      deliver(_program, lines) {
        mine.push(...lines);
        if (mine.length >= count) resolve();
      },
    });
  }
  return { received, all: Promise.all(done).then(() => undefined) };
}

const events = (lines: readonly string[]) => lines.map((l) => JSON.parse(l) as LedgerEvent);

describe('file: one broadcast per program', () => {
  it('100 viewers, an append noticed three times (the POST, two file changes): the new line is read once, from where the file ended', async () => {
    const dir = tempDir();
    const lines = exampleLines();
    writeFileSync(join(dir, `${EXAMPLE_PROGRAM}.jsonl`), lines.map((l) => l + '\n').join(''));
    const { store, calls } = counted(new ServedFileStore({ dir }, tempDir()));
    const broadcasts = new Broadcasts(store);
    disposals.push(async () => broadcasts.close());
    const { received, all } = await viewers(broadcasts, 100, 1);

    const next = blockerAfter(lines, 1);
    appendFileSync(join(dir, `${EXAMPLE_PROGRAM}.jsonl`), next + '\n');
    for (let i = 0; i < 3; i++) broadcasts.notify(EXAMPLE_PROGRAM);
    await all;
    expect(received.every((got) => got.length === 1 && got[0]!.seq === 8 && got[0]!.line === next)).toBe(true);
    expect(calls.get('linesFrom')).toBe(1);
    expect(calls.get('read') ?? 0).toBe(0); // never the whole file
  });
});

describe('postgres: one broadcast per program', () => {
  it('100 viewers, one append: one read of the new lines, each viewer handed them once', async () => {
    const fresh = await freshPostgresStore();
    disposals.push(fresh.dispose);
    const lines = exampleLines();
    await fresh.store.append(EXAMPLE_PROGRAM, null, events(lines));
    const { store, calls } = counted(fresh.store);
    const broadcasts = new Broadcasts(store);
    disposals.unshift(async () => broadcasts.close());
    const { received, all } = await viewers(broadcasts, 100, 2);

    const two = [blockerAfter(lines, 1)];
    two.push(blockerAfter([...lines, two[0]!], 2));
    await fresh.store.append(EXAMPLE_PROGRAM, headOf(lines), events(two));
    broadcasts.notify(EXAMPLE_PROGRAM);
    await all;
    expect(received.every((got) => got.map((l) => l.seq).join() === '8,9' && got[1]!.line === two[1])).toBe(true);
    expect(calls.get('read')).toBe(1);
    expect(calls.get('head')).toBe(1); // where the program ended, when the first viewer came
  });
});

describe('postgres: an append heard twice, and the poll', () => {
  it("the POST's notice and the replica's own NOTIFY heard back: one read; the poll reads every followed head in one query and fetches only what moved", async () => {
    const fresh = await freshPostgresStore();
    disposals.push(fresh.dispose);
    const lines = exampleLines();
    await fresh.store.append(EXAMPLE_PROGRAM, null, events(lines));
    const { store, calls } = counted(fresh.store);
    const broadcasts = new Broadcasts(store, { pollMs: 100 });
    disposals.unshift(async () => broadcasts.close());
    const { received, all } = await viewers(broadcasts, 10, 2);

    const next = blockerAfter(lines, 1);
    await fresh.store.append(EXAMPLE_PROGRAM, headOf(lines), events([next]));
    broadcasts.notify(EXAMPLE_PROGRAM, 8); // the POST, with the seq it appended
    broadcasts.notify(EXAMPLE_PROGRAM, 8); // the same append's NOTIFY, heard back while the read runs
    await new Promise((r) => setTimeout(r, 50));
    broadcasts.notify(EXAMPLE_PROGRAM, 8); // ... or after it
    expect(calls.get('read')).toBe(1);

    // Polls with nothing new read the heads only; an append no one announced is found by the next poll.
    await new Promise((r) => setTimeout(r, 350));
    expect(calls.get('read')).toBe(1);
    expect(calls.get('headsOf')).toBeGreaterThanOrEqual(2);
    const unannounced = blockerAfter([...lines, next], 2);
    await fresh.store.append(EXAMPLE_PROGRAM, headOf([...lines, next]), events([unannounced]));
    await all;
    expect(received.every((got) => got.map((l) => l.seq).join() === '8,9' && got[1]!.line === unannounced)).toBe(true);
    expect(calls.get('read')).toBe(2);
  });
});
