/**
 * The LedgerStore conformance suite. Every store runs all of it, unchanged: a store's spec file
 * calls `ledgerStoreConformance` with a factory that gives a fresh, empty store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventDraft, LedgerEvent } from '../../src/domain/events.js';
import { CutoverError, StaleHeadError } from '../../src/errors.js';
import { digestOf } from '../../src/ledger/canonical.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { signerFromPem } from '../../src/ledger/keys.js';
import { loadDefinition } from '../../src/program/load.js';
import type { LedgerStore } from '../../src/store/ledger-store.js';
import { demoKey, EXAMPLE } from '../support/cli.js';
import { LOG_OWNER } from '../support/hand-signed.js';

export interface StoreFactory {
  /** A fresh, empty store, and how to dispose of it. */
  create(): Promise<{ store: LedgerStore; dispose(): Promise<void> }>;
}

// Events every store takes, the strictest included (a server checks each line as `verify` does):
// a program defined from the example's cutover.yaml under its own id, then manual blockers.
const exampleDefinition = (await loadDefinition(join(EXAMPLE, 'cutover.yaml'))).definition;
const signer = signerFromPem(readFileSync(demoKey(LOG_OWNER), 'utf8'));

function draftAt(program: string, seq: number, label = String(seq)): EventDraft {
  if (seq === 1) {
    const definition = { ...exampleDefinition, program: { ...exampleDefinition.program, id: program } };
    return { type: 'program.defined', actor: LOG_OWNER, data: { definition, digest: digestOf(definition), file: `sha256:${'0'.repeat(64)}` } } as EventDraft;
  }
  return { type: 'blocker.raised', actor: LOG_OWNER, data: { id: `C-${label}`, text: `blocker ${label}`, owner: LOG_OWNER, due: '2027-03-01' } } as EventDraft;
}

/** The time of event `seq`: increasing, and in the past. */
const atOf = (seq: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();

/** `count` chained, valid events for `program`, following `after` (or starting the ledger). */
export function chain(program: string, count: number, after: LedgerEvent | null = null): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  let prev = after;
  for (let i = 0; i < count; i++) {
    const seq = (prev?.seq ?? 0) + 1;
    const event = seal(draftAt(program, seq), { program, seq, at: atOf(seq), prev: prev?.hash ?? null }, signer);
    events.push(event);
    prev = event;
  }
  return events;
}

async function using<T>(factory: StoreFactory, work: (store: LedgerStore) => Promise<T>): Promise<T> {
  const { store, dispose } = await factory.create();
  try {
    return await work(store);
  } finally {
    await dispose();
  }
}

export function ledgerStoreConformance(name: string, factory: StoreFactory): void {
  describe(`${name}: LedgerStore conformance`, () => {
    it('an unknown program reads as empty, with no head', () =>
      using(factory, async (store) => {
        expect((await store.read('nothing')).lines).toEqual([]);
        expect(await store.head('nothing')).toBeNull();
        expect(await store.listPrograms()).toEqual([]);
      }));

    it('appends to an empty ledger with expected head null, and reads the exact lines back', () =>
      using(factory, async (store) => {
        const events = chain('alpha', 3);
        const head = await store.append('alpha', null, events);
        expect(head).toEqual({ seq: 3, hash: events[2]!.hash });
        expect((await store.read('alpha')).lines).toEqual(events.map(serialize));
        expect(await store.head('alpha')).toEqual(head);
      }));

    it('appends after the current head, and reads from a given seq', () =>
      using(factory, async (store) => {
        const first = chain('alpha', 2);
        await store.append('alpha', null, first);
        const more = chain('alpha', 3, first[1]!);
        await store.append('alpha', first[1]!.hash, more);
        const all = [...first, ...more];
        expect((await store.read('alpha')).lines).toEqual(all.map(serialize));
        expect((await store.read('alpha', 4)).lines).toEqual(all.slice(3).map(serialize));
        expect((await store.read('alpha', 6)).lines).toEqual([]);
      }));

    it('refuses an append whose expected head is stale, and writes nothing', () =>
      using(factory, async (store) => {
        const first = chain('alpha', 2);
        await store.append('alpha', null, first);
        const stale = chain('alpha', 1, first[0]!); // decided on seq 1, but seq 2 exists
        await expect(store.append('alpha', first[0]!.hash, stale)).rejects.toBeInstanceOf(StaleHeadError);
        await expect(store.append('alpha', null, chain('alpha', 1))).rejects.toBeInstanceOf(StaleHeadError);
        expect((await store.read('alpha')).lines).toEqual(first.map(serialize));
      }));

    it('of concurrent appends on the same head, exactly one wins and the chain does not fork', () =>
      using(factory, async (store) => {
        const first = chain('alpha', 1);
        await store.append('alpha', null, first);
        const contenders = Array.from({ length: 8 }, (_, i) => {
          const e = seal(draftAt('alpha', 2, `c${i}`), { program: 'alpha', seq: 2, at: atOf(2), prev: first[0]!.hash }, signer);
          return store.append('alpha', first[0]!.hash, [e]);
        });
        const results = await Promise.allSettled(contenders);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleHeadError);
        expect((await store.read('alpha')).lines).toHaveLength(2);
      }));

    it('keeps programs apart and lists them', () =>
      using(factory, async (store) => {
        await store.append('beta', null, chain('beta', 2));
        await store.append('alpha', null, chain('alpha', 1));
        expect(await store.listPrograms()).toEqual(['alpha', 'beta']);
        expect((await store.read('alpha')).lines).toHaveLength(1);
        expect((await store.read('beta')).lines).toHaveLength(2);
      }));

    it('refuses events whose seqs do not follow the head, and writes none of them', () =>
      using(factory, async (store) => {
        const first = chain('alpha', 1);
        await store.append('alpha', null, first);
        const skipping = chain('alpha', 3, first[0]!).slice(1); // seq 3 and 4, seq 2 missing
        await expect(store.append('alpha', first[0]!.hash, skipping)).rejects.toBeInstanceOf(CutoverError);
        expect((await store.read('alpha')).lines).toHaveLength(1);
      }));

    it('an empty append is a head check: on the head it changes nothing, on a stale head it is refused', () =>
      using(factory, async (store) => {
        expect(await store.append('alpha', null, [])).toBeNull();
        const first = chain('alpha', 2);
        await store.append('alpha', null, first);
        expect(await store.append('alpha', first[1]!.hash, [])).toEqual({ seq: 2, hash: first[1]!.hash });
        await expect(store.append('alpha', first[0]!.hash, [])).rejects.toBeInstanceOf(StaleHeadError);
        await expect(store.append('alpha', null, [])).rejects.toBeInstanceOf(StaleHeadError);
        expect((await store.read('alpha')).lines).toEqual(first.map(serialize));
      }));

    it('a many-line append is stored whole, or not at all', () =>
      using(factory, async (store) => {
        const events = chain('alpha', 300);
        expect(await store.append('alpha', null, events)).toEqual({ seq: 300, hash: events[299]!.hash });
        expect((await store.read('alpha')).lines).toEqual(events.map(serialize));
        // 300 more whose last one is forged (a seq out of order): none of them is stored.
        const more = chain('alpha', 300, events[299]!);
        const broken = [...more.slice(0, 299), { ...more[299]!, seq: 1000 }];
        await expect(store.append('alpha', events[299]!.hash, broken)).rejects.toBeInstanceOf(CutoverError);
        expect((await store.read('alpha')).lines).toHaveLength(300);
        expect(await store.head('alpha')).toEqual({ seq: 300, hash: events[299]!.hash });
      }));
  });
}
