// Faults with real processes and a real database: the server killed mid-append, PostgreSQL stopped mid-append.
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify.js';
import { freshDatabase, testCluster } from '../support/postgres.js';
import { blockerAfter, eventsOf, EXAMPLE_PROGRAM, exampleLines, headOf, postLines, serversPerTest, type RunningServer } from '../support/server.js';

const start = serversPerTest();
const serving = (database: string): Promise<RunningServer> => start(['--database', database]);

describe('postgres: faults', () => {
  it('kill -9 in the middle of a stream of appends, again and again: every 201 is there afterwards, and nothing that was not posted', async () => {
    const database = await freshDatabase();
    let acknowledged = exampleLines();
    let server = await serving(database);
    expect((await postLines(server.url, EXAMPLE_PROGRAM, null, acknowledged)).status).toBe(201);
    let n = 0;
    for (let round = 0; round < 4; round++) {
      let inFlight: string | null = null;
      const writer = (async () => {
        for (;;) {
          const line = blockerAfter(acknowledged, ++n);
          inFlight = line;
          const answer = await postLines(server.url, EXAMPLE_PROGRAM, headOf(acknowledged), [line]).catch(() => null);
          if (answer === null) return; // the server died under the request
          expect(answer.status).toBe(201);
          acknowledged = [...acknowledged, line];
          inFlight = null;
        }
      })();
      await new Promise((r) => setTimeout(r, 150 + round * 100));
      server.child.kill('SIGKILL');
      await writer;
      server = await serving(database);
      const stored = (await eventsOf(server.url, EXAMPLE_PROGRAM)).trimEnd().split('\n');
      // The request in flight may have committed before the kill and never been answered: it is the only extra allowed.
      const expected = stored.length === acknowledged.length + 1 && inFlight !== null ? [...acknowledged, inFlight] : acknowledged;
      expect(stored).toEqual(expected);
      expect(verifyLedger({ source: 'served', lines: stored }).state.seq).toBe(stored.length);
      acknowledged = stored;
    }
    expect(acknowledged.length).toBeGreaterThan(exampleLines().length + 4);
  });

  it('PostgreSQL stopped during appends: 503 naming the database, nothing written; back up, the same server accepts again', async () => {
    const cluster = await testCluster();
    if (cluster.external) return; // a server of someone else's is not ours to stop
    const server = await serving(await freshDatabase());
    const lines = exampleLines();
    expect((await postLines(server.url, EXAMPLE_PROGRAM, null, lines)).status).toBe(201);
    cluster.pause();
    try {
      const next = blockerAfter(lines, 1);
      const refused = await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [next]);
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ kind: 'unavailable', code: 'database-unreachable' });
      expect(refused.body.error.message).toMatch(/the database is unreachable .*nothing was written/);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    } finally {
      cluster.resume();
    }
    const next = blockerAfter(lines, 2);
    expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [next])).status).toBe(201);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await eventsOf(server.url, EXAMPLE_PROGRAM)).toBe([...lines, next].map((l) => l + '\n').join(''));
  });
});
