// The server's verified checkpoint per program, on a real PostgreSQL store, in-process: it moves
// forward as appends are admitted, its digests are those of the program's file copy, a new server
// resumes at it, and the events table refuses to be rewritten.
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer, type CutoverServer } from '../../src/server/app.js';
import { BlockHasher } from '../../src/store/checkpoint.js';
import type { PostgresLedgerStore } from '../../src/store/postgres/postgres-store.js';
import { freshPostgresStore } from '../support/postgres.js';
import { blockerAfter, EXAMPLE_PROGRAM, exampleLines, headOf, metricOf } from '../support/server.js';

const disposals: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose();
});

async function store(): Promise<Awaited<ReturnType<typeof freshPostgresStore>>> {
  const fresh = await freshPostgresStore();
  disposals.push(fresh.dispose);
  return fresh;
}

function server(on: PostgresLedgerStore, checkpointEvery?: number): CutoverServer {
  const built = buildServer({ store: on, logLevel: false, ...(checkpointEvery === undefined ? {} : { checkpointEvery }) });
  disposals.unshift(() => built.app.close());
  return built;
}

async function post(s: CutoverServer, expectedHead: string | null, lines: readonly string[]): Promise<number> {
  const answer = await s.app.inject({ method: 'POST', url: `/v1/programs/${EXAMPLE_PROGRAM}/events`, payload: { expectedHead, lines } });
  return answer.statusCode;
}

describe('postgres: the server keeps a verified checkpoint per program', () => {
  it('moves it forward every N admitted events, with the digests of the file copy, and a new server resumes there', async () => {
    const { store: pgStore, pool } = await store();
    const first = server(pgStore, 5);
    let lines = exampleLines();
    expect(await post(first, null, lines)).toBe(201);
    const keptSeq = async () => (await pool.query<{ seq: number }>(`SELECT seq FROM ${pgStore.schema}.checkpoints WHERE program = $1`, [EXAMPLE_PROGRAM])).rows[0]?.seq ?? null;
    expect(await keptSeq()).toBe(lines.length); // 7 events: at least 5 past nothing
    for (let n = 1; n <= 6; n++) {
      const line = blockerAfter(lines, n);
      expect(await post(first, headOf(lines), [line])).toBe(201);
      lines = [...lines, line];
      // Kept again once 5 more events were admitted, not on each append.
      expect(await keptSeq()).toBe(n < 5 ? 7 : 12);
    }
    const body = JSON.parse((await pgStore.checkpointOf(EXAMPLE_PROGRAM))!) as { seq: number; offset: number; blocks: string[]; head: string };
    const fileCopy = Buffer.from(lines.slice(0, 12).join('\n') + '\n', 'utf8');
    const hasher = BlockHasher.fromStart();
    hasher.update(fileCopy);
    expect(body).toMatchObject({ seq: 12, offset: fileCopy.length, blocks: hasher.digests(), head: headOf(lines.slice(0, 12)) });

    // A new process on the same database: resumes at seq 12, verifies only the 13th event.
    const second = server(pgStore);
    const status = await second.app.inject({ method: 'GET', url: `/v1/programs/${EXAMPLE_PROGRAM}/status` });
    expect(status.statusCode).toBe(200);
    expect(status.headers.etag).toBe(`"${headOf(lines)}"`);
    const metrics = second.metrics.text();
    expect(metricOf(metrics, 'cutover_program_loads_total{from="checkpoint"}')).toBe(1);
    expect(metricOf(metrics, 'cutover_checkpoint_resumed_events_total')).toBe(12);
    expect(metricOf(metrics, 'cutover_loaded_events_verified_total')).toBe(1);
    expect(metricOf(metrics, 'cutover_checkpoints_ignored_total')).toBe(0);

    // A graceful stop keeps the head, so the next start verifies nothing.
    await second.app.close();
    expect(await keptSeq()).toBe(13);
  });

  it('the events table refuses UPDATE, DELETE and TRUNCATE, from the server\'s own role too', async () => {
    const { store: pgStore, pool } = await store();
    expect(await post(server(pgStore), null, exampleLines())).toBe(201);
    const events = `${pgStore.schema}.events`;
    for (const statement of [`UPDATE ${events} SET line = line || ' ' WHERE seq = 2`, `DELETE FROM ${events} WHERE seq = 7`, `TRUNCATE ${events} CASCADE`]) {
      await expect(pool.query(statement), statement).rejects.toThrow(/the ledger is append-only: (UPDATE|DELETE|TRUNCATE) on/);
    }
    expect((await pgStore.read(EXAMPLE_PROGRAM)).lines).toEqual(exampleLines());
  });
});
