// `cutover serve` restarted on PostgreSQL: it resumes at the program's verified checkpoint and
// verifies only what follows, and it never trusts one blindly: a row edited by a superuser (trigger
// disabled), a damaged checkpoint or one of another format version is set aside with a log line,
// and the program is verified in full, naming the bad line.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { sealCheckpoint } from '../../src/store/checkpoint.js';
import { PostgresLedgerStore } from '../../src/store/postgres/postgres-store.js';
import { freshDatabase, testCluster } from '../support/postgres.js';
import { blockerAfter, EXAMPLE_PROGRAM, headOf, metricOf, postExampleThenStop, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
const pools: pg.Pool[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  for (const p of pools.splice(0)) await p.end();
});

async function serving(database: string): Promise<RunningServer> {
  const server = await startServer(['--database', database]);
  running.push(server);
  return server;
}

/** The example and `extra` blockers posted to a server, which then stops gracefully (keeping its checkpoint). */
async function programWithCheckpoint(database: string, extra: number): Promise<string[]> {
  const lines = await postExampleThenStop(await serving(database), extra);
  const kept = await sql(database, `SELECT seq FROM cutover.checkpoints WHERE program = '${EXAMPLE_PROGRAM}'`);
  expect(kept.trim()).toBe(String(lines.length));
  return lines;
}

/** Run `statement` with psql as the cluster's superuser; its output, or the error it printed. */
async function sql(database: string, statement: string): Promise<string> {
  const psql = (await testCluster()).command('psql', [database, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', statement]);
  const run = spawnSync(psql.file, psql.args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

async function metrics(server: RunningServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

describe('postgres: cutover serve restarts from its verified checkpoint', () => {
  it('resumes at the checkpoint and verifies only the events stored after it', async () => {
    const database = await freshDatabase();
    let lines = await programWithCheckpoint(database, 10);
    // Another replica appends 5 more while this one is down.
    const pool = new pg.Pool({ connectionString: database, max: 2 });
    pools.push(pool);
    const store = await PostgresLedgerStore.open(pool);
    for (let n = 11; n <= 15; n++) {
      const line = blockerAfter(lines, n);
      await store.append(EXAMPLE_PROGRAM, headOf(lines), [JSON.parse(line) as LedgerEvent]);
      lines = [...lines, line];
    }

    const server = await serving(database);
    const status = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
    expect(status.status).toBe(200);
    expect(status.headers.get('etag')).toBe(`"${headOf(lines)}"`);
    const text = await metrics(server);
    expect(metricOf(text, 'cutover_program_loads_total{from="checkpoint"}')).toBe(1);
    expect(metricOf(text, 'cutover_program_loads_total{from="start"}')).toBe(0);
    expect(metricOf(text, 'cutover_checkpoint_resumed_events_total')).toBe(17);
    expect(metricOf(text, 'cutover_loaded_events_verified_total')).toBe(5);
    expect(server.log()).not.toMatch(/checkpoint/);
  });

  it('a row edited before the checkpoint (by a superuser, trigger disabled) is found: a full verify names the line', async () => {
    const database = await freshDatabase();
    await programWithCheckpoint(database, 10);
    const edit = `UPDATE cutover.events SET line = replace(line, '"blocker 3"', '"blocker 4"') WHERE program = '${EXAMPLE_PROGRAM}' AND seq = 10`;
    // The table refuses the edit as it stands…
    await expect(sql(database, edit)).rejects.toThrow(/the ledger is append-only: UPDATE on cutover\.events is refused/);
    // …so the superuser switches the guard off, edits, and switches it back on: no trace is left.
    await sql(database, `ALTER TABLE cutover.events DISABLE TRIGGER events_append_only; ${edit}; ALTER TABLE cutover.events ENABLE TRIGGER events_append_only`);
    expect(await sql(database, `SELECT line LIKE '%"blocker 4"%' FROM cutover.events WHERE seq = 10`)).toBe('t\n');

    const server = await serving(database);
    const status = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
    expect(status.status).toBe(422);
    const { error } = (await status.json()) as { error: { kind: string; code: string; message: string } };
    expect(error).toMatchObject({ kind: 'ledger', code: 'ledger-verification' });
    expect(error.message).toMatch(new RegExp(`^postgres:${EXAMPLE_PROGRAM}:10: seq 10 edited`));
    const text = await metrics(server);
    expect(metricOf(text, 'cutover_checkpoints_ignored_total')).toBe(1);
    expect(metricOf(text, 'cutover_program_loads_total{from="checkpoint"}')).toBe(0);
    const notes = server.log().split('\n').filter((l) => l.includes('checkpoint'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/the checkpoint of program memorykernel-service-v3 at seq 17 no longer matches the stored lines before it/);
  });

  it('a damaged checkpoint, or one of another format version, is set aside with a note and replaced after a full verify', async () => {
    const database = await freshDatabase();
    const lines = await programWithCheckpoint(database, 2);
    const kept = (await sql(database, `SELECT body FROM cutover.checkpoints WHERE program = '${EXAMPLE_PROGRAM}'`)).trim();
    const { digest: _digest, ...content } = JSON.parse(kept) as Record<string, unknown>;
    const cases: [string, string, RegExp][] = [
      ['cut short', kept.slice(0, 60), /the checkpoint of program memorykernel-service-v3 is corrupt/],
      ['state edited', kept.replace('"seq":9', '"seq":8'), /the checkpoint of program memorykernel-service-v3 is corrupt/],
      ['another format version', sealCheckpoint({ ...content, version: 99 }), /the checkpoint of program memorykernel-service-v3 is of another format version \(99\)/],
    ];
    for (const [what, body, note] of cases) {
      await sql(database, `UPDATE cutover.checkpoints SET body = '${body.replace(/'/g, "''")}'`);
      const server = await serving(database);
      const status = await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`);
      expect(status.status, what).toBe(200);
      expect(status.headers.get('etag'), what).toBe(`"${headOf(lines)}"`);
      const text = await metrics(server);
      expect(metricOf(text, 'cutover_checkpoints_ignored_total'), what).toBe(1);
      expect(metricOf(text, 'cutover_loaded_events_verified_total'), what).toBe(lines.length);
      const notes = server.log().split('\n').filter((l) => l.includes('checkpoint'));
      expect(notes, what).toHaveLength(1);
      expect(notes[0], what).toMatch(note);
      // Verified in full, so a sound checkpoint replaced the bad one at once.
      expect(await sql(database, `SELECT body = '${kept.replace(/'/g, "''")}' FROM cutover.checkpoints`), what).toBe('t\n');
      await server.stop('SIGKILL');
    }
  });
});
