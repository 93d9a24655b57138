/** No fork: whatever the interleaving of writers on stale heads, a ledger stays one chain; two copies compare exactly. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { StaleHeadError } from '../../src/errors.js';
import { compareLedgers } from '../../src/ledger/compare.js';
import { seal } from '../../src/ledger/chain.js';
import { generateKeyPair, signerFromPem } from '../../src/ledger/keys.js';
import { FileLedgerStore } from '../../src/store/file-store.js';
import { chain } from '../store/conformance.js';

const signer = signerFromPem(generateKeyPair().privateKeyPem);

function next(after: LedgerEvent | null, label: string): LedgerEvent {
  const seq = (after?.seq ?? 0) + 1;
  return seal({ type: 'phase.started', actor: 'writer', data: { phase: label } }, { program: 'p', seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), prev: after?.hash ?? null }, signer);
}

describe('no fork', () => {
  it('writers appending on heads they read earlier never fork the file: each append lands whole or not at all', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Each step: a writer (0–2) either refreshes its view of the head, or appends 1–2 events on the head it last saw.
        fc.array(fc.tuple(fc.nat({ max: 2 }), fc.boolean(), fc.integer({ min: 1, max: 2 })), { minLength: 1, maxLength: 25 }),
        async (steps) => {
          const dir = await mkdtemp(join(tmpdir(), 'cutover-fork-'));
          try {
            const store = new FileLedgerStore({ dir });
            const views: (LedgerEvent | null)[] = [null, null, null];
            const landed: LedgerEvent[] = [];
            for (const [writer, refresh, count] of steps) {
              if (refresh) {
                views[writer] = landed.at(-1) ?? null;
                continue;
              }
              const events: LedgerEvent[] = [];
              for (let i = 0; i < count; i++) events.push(next(events.at(-1) ?? views[writer]!, `w${writer}`));
              try {
                await store.append('p', views[writer]?.hash ?? null, events);
                landed.push(...events);
                views[writer] = events.at(-1)!;
              } catch (e) {
                expect(e).toBeInstanceOf(StaleHeadError);
              }
            }
            const { lines } = await store.read('p');
            expect(lines.map((l) => (JSON.parse(l) as LedgerEvent).hash)).toEqual(landed.map((e) => e.hash));
            lines.forEach((l, i) => {
              const e = JSON.parse(l) as LedgerEvent;
              expect(e.seq).toBe(i + 1);
              expect(e.prev).toBe(i === 0 ? null : (JSON.parse(lines[i - 1]!) as LedgerEvent).hash);
            });
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('two copies compare as same, ahead or behind by exactly their difference, or forked at the first differing seq', () => {
    fc.assert(
      fc.property(fc.nat({ max: 6 }), fc.nat({ max: 4 }), fc.nat({ max: 4 }), fc.boolean(), (common, ours, theirs, diverge) => {
        const base = chain('p', common);
        const extend = (n: number, label: string) => {
          const out: LedgerEvent[] = [];
          for (let i = 0; i < n; i++) out.push(next(out.at(-1) ?? base.at(-1) ?? null, label));
          return out;
        };
        const a = [...base, ...extend(ours, 'a')];
        const b = diverge ? [...base, ...extend(theirs, 'b')] : a.slice(0, common + Math.min(ours, theirs));
        const c = compareLedgers(a, b);
        if (diverge && ours > 0 && theirs > 0) {
          expect(c).toMatchObject({ relation: 'forked', seq: common + 1 });
        } else if (a.length === b.length) {
          expect(c).toEqual({ relation: 'same', seq: a.length });
        } else if (a.length > b.length) {
          expect(c).toEqual({ relation: 'ahead', by: a.length - b.length, common: b.length });
        } else {
          expect(c).toEqual({ relation: 'behind', by: b.length - a.length, common: a.length });
        }
      }),
    );
  });
});
