import { appendFile, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerVerificationError } from '../../src/errors.js';
import { serialize } from '../../src/ledger/chain.js';
import { FileLedgerStore } from '../../src/store/file-store.js';
import { chain } from './conformance.js';

// The conformance suite runs over this store (and every other) in conformance.int.spec.ts.

describe('file: the JSONL file itself', () => {
  async function withStore(work: (store: FileLedgerStore, dir: string) => Promise<void>) {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-store-'));
    try {
      await work(new FileLedgerStore({ dir }), dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('holds one canonical event per line, each ending in a newline', () =>
    withStore(async (store) => {
      const events = chain('alpha', 3);
      await store.append('alpha', null, events);
      expect(await readFile(store.pathOf('alpha'), 'utf8')).toBe(events.map((e) => serialize(e) + '\n').join(''));
    }));

  it('a torn last line is reported, and never hides the complete lines before it', () =>
    withStore(async (store) => {
      const events = chain('alpha', 3);
      await store.append('alpha', null, events);
      await appendFile(store.pathOf('alpha'), '{"actor":"someone","at":"2026');
      const read = await store.read('alpha');
      expect(read.lines).toEqual(events.map(serialize));
      expect(read.torn).toEqual({ line: 4, bytes: 29, keepBytes: events.map((e) => serialize(e) + '\n').join('').length });
    }));

  it('refuses to append after a torn line, and leaves the file as it was', () =>
    withStore(async (store) => {
      const events = chain('alpha', 2);
      await store.append('alpha', null, events);
      await appendFile(store.pathOf('alpha'), '{"torn');
      const before = await readFile(store.pathOf('alpha'), 'utf8');
      const error = await store.append('alpha', events[1]!.hash, chain('alpha', 1, events[1]!)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LedgerVerificationError);
      expect((error as LedgerVerificationError).fault).toBe('torn');
      expect(await readFile(store.pathOf('alpha'), 'utf8')).toBe(before);
    }));

  it('a program directory keeps its ledger at .cutover/ledger.jsonl', () =>
    withStore(async (_store, dir) => {
      const store = FileLedgerStore.forProgramDir(dir);
      await store.append('alpha', null, chain('alpha', 1));
      expect(store.pathOf('alpha')).toBe(join(dir, '.cutover', 'ledger.jsonl'));
      expect(await store.listPrograms()).toEqual(['alpha']);
    }));

  it('takes over an empty lock file once it is a few seconds old (a writer killed mid-write by an older version)', () =>
    withStore(async (store) => {
      await store.append('alpha', null, chain('alpha', 1));
      const lock = `${store.pathOf('alpha')}.lock`;
      await writeFile(lock, '');
      const old = new Date(Date.now() - 60_000);
      await utimes(lock, old, old);
      const events = chain('alpha', 2);
      await store.append('alpha', events[0]!.hash, events.slice(1));
      expect((await store.read('alpha')).lines).toHaveLength(2);
      await expect(stat(lock)).rejects.toThrow(/ENOENT/);
    }));

  it('leaves no files beside the ledger after appends, and removes drafts of writers that died before linking them', () =>
    withStore(async (store, dir) => {
      await store.append('alpha', null, chain('alpha', 1));
      const host = (await import('node:os')).hostname().replace(/[^A-Za-z0-9-]/g, '_');
      await writeFile(`${store.pathOf('alpha')}.lock.draft-${host}.4194305.abcd0123`, '4194305@x');
      const events = chain('alpha', 2);
      await store.append('alpha', events[0]!.hash, events.slice(1));
      expect(await readdir(dir)).toEqual(['alpha.jsonl']);
    }));

  it('takes over a lock left by a process that died', () =>
    withStore(async (store) => {
      await store.append('alpha', null, chain('alpha', 1));
      // pid 2^22+1 is above Linux's default pid_max, so no live process holds it.
      await writeFile(`${store.pathOf('alpha')}.lock`, `4194305@${(await import('node:os')).hostname()}`);
      const events = chain('alpha', 2);
      await store.append('alpha', events[0]!.hash, events.slice(1));
      expect((await store.read('alpha')).lines).toHaveLength(2);
    }));
});
