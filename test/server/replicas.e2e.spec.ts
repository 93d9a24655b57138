// Two `cutover serve` processes on one database: no fork, no acknowledged event lost, each serves the other's events.
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify.js';
import { freshDatabase } from '../support/postgres.js';
import { blockerAfter, eventsOf, EXAMPLE_PROGRAM, exampleLines, headOf, postLines, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

describe('postgres: replicas', () => {
  it('concurrent writers through two replicas: one chain, every 201 in it, and a stream on one replica sees what the other took', async () => {
    const database = await freshDatabase();
    const [a, b] = [await startServer(['--database', database]), await startServer(['--database', database])];
    running.push(a, b);
    const lines = exampleLines();
    expect((await postLines(a.url, EXAMPLE_PROGRAM, null, lines)).status).toBe(201);

    // A stream on B, before anything is posted to A.
    const stream = await fetch(`${b.url}/v1/programs/${EXAMPLE_PROGRAM}/events/stream?from=${lines.length + 1}`);
    const reader = stream.body!.getReader();
    let streamed = '';
    const firstOnB = (async () => {
      while (!streamed.includes('id: 8\n')) streamed += new TextDecoder().decode((await reader.read()).value);
    })();

    const acknowledged: string[] = [];
    let n = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        const server = w % 2 === 0 ? a : b;
        for (let done = 0; done < 5; ) {
          const current = (await eventsOf(server.url, EXAMPLE_PROGRAM)).trimEnd().split('\n');
          const line = blockerAfter(current, ++n);
          const answer = await postLines(server.url, EXAMPLE_PROGRAM, headOf(current), [line]);
          if (answer.status === 201) {
            acknowledged.push(line);
            done++;
          } else expect(answer.status).toBe(409);
        }
      }),
    );
    await firstOnB;
    reader.cancel().catch(() => {});
    const [onA, onB] = [await eventsOf(a.url, EXAMPLE_PROGRAM), await eventsOf(b.url, EXAMPLE_PROGRAM)];
    expect(onA).toBe(onB);
    const stored = onA.trimEnd().split('\n');
    expect(verifyLedger({ source: 'replicas', lines: stored }).state.seq).toBe(lines.length + 20);
    expect(new Set(stored.slice(lines.length))).toEqual(new Set(acknowledged));
    expect(streamed).toContain(`id: 8\nevent: line\ndata: ${stored[7]}\n\n`);
    // Never stale after an answered write: the moment A answers 201, B's status is at the new head.
    let current = stored;
    for (let i = 0; i < 5; i++) {
      const line = blockerAfter(current, 100 + i);
      expect((await postLines(a.url, EXAMPLE_PROGRAM, headOf(current), [line])).status).toBe(201);
      current = [...current, line];
      expect((await fetch(`${b.url}/v1/programs/${EXAMPLE_PROGRAM}/status`)).headers.get('etag')).toBe(`"${headOf(current)}"`);
    }
    const statusA = await (await fetch(`${a.url}/v1/programs/${EXAMPLE_PROGRAM}/status?at=2026-02-10T00:00:00Z`)).text();
    expect(await (await fetch(`${b.url}/v1/programs/${EXAMPLE_PROGRAM}/status?at=2026-02-10T00:00:00Z`)).text()).toBe(statusA);
  });
});
