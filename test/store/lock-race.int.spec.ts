/**
 * The stale-lock takeover race, with real processes: a lock left by a dead process, and eight
 * writers that all find it at once and append on the same head. Exactly one may be acknowledged,
 * every round; the file must verify and hold every acknowledged event.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { generateKeyPair, signerFromPem } from '../../src/ledger/keys.js';
import { FileLedgerStore } from '../../src/store/file-store.js';
import { chain } from './conformance.js';

const WRITERS = 8;
const ROUNDS = Number(process.env.LOCK_RACE_ROUNDS ?? 200);
// pid 2^22+1 is above Linux's default pid_max, so no live process holds it.
const DEAD_HOLDER = `4194305@${hostname()}`;

const signer = signerFromPem(generateKeyPair().privateKeyPem);

function eventAfter(prev: LedgerEvent, phase: string): LedgerEvent {
  return seal({ type: 'phase.started', actor: 'someone', data: { phase } }, { program: 'race', seq: prev.seq + 1, at: prev.at, prev: prev.hash }, signer);
}

type Answer = { ok: true; head: { seq: number; hash: string } } | { ok: false; kind: string; message: string };

class Writer {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<Writer> {
    const child = fork(join(import.meta.dirname, 'fixtures/append-worker.mjs'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    return new Writer(child);
  }

  append(dir: string, program: string, expectedHead: string, events: readonly LedgerEvent[]): Promise<Answer> {
    return new Promise((resolve) => {
      this.child.once('message', (answer) => resolve(answer as Answer));
      this.child.send({ dir, program, expectedHead, events });
    });
  }

  stop(): void {
    this.child.kill();
  }
}

describe('file store: a lock left by a dead process, and eight writers waiting', () => {
  let writers: Writer[] = [];
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-lock-race-'));
    writers = await Promise.all(Array.from({ length: WRITERS }, () => Writer.start()));
  });
  afterAll(async () => {
    for (const w of writers) w.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(`acknowledges exactly one append per round, and the file verifies with every acknowledged event (${ROUNDS} rounds)`, async () => {
    const store = new FileLedgerStore({ dir });
    let [head] = chain('race', 1);
    await store.append('race', null, [head!]);
    const acknowledged: LedgerEvent[] = [head!];
    let doubleAcks = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await writeFile(`${store.pathOf('race')}.lock`, DEAD_HOLDER);
      // Each writer brings its own event for the same seq on the same head.
      const after = head!;
      const answers = await Promise.all(writers.map((w, i) => w.append(dir, 'race', after.hash, [eventAfter(after, `r${round}w${i}`)])));
      const winners = answers.flatMap((a, i) => (a.ok ? [i] : []));
      if (winners.length !== 1) doubleAcks++;
      for (const a of answers) if (!a.ok) expect(a.kind).toBe('StaleHeadError');
      const lines = (await store.read('race')).lines;
      const last = JSON.parse(lines[lines.length - 1]!) as LedgerEvent;
      for (const i of winners) acknowledged.push(JSON.parse(lines.find((l) => l.includes(`"r${round}w${i}"`)) ?? 'null') as LedgerEvent);
      expect(lines).toHaveLength(acknowledged.length);
      head = last;
    }
    expect(doubleAcks).toBe(0);
    const lines = (await store.read('race')).lines.map((l) => JSON.parse(l) as LedgerEvent);
    lines.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.prev).toBe(i === 0 ? null : lines[i - 1]!.hash);
    });
    const text = await readFile(store.pathOf('race'), 'utf8');
    expect(text).toBe(acknowledged.map((e) => serialize(e) + '\n').join(''));
  });
});
